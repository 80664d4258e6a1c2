"""Web pages of the decisions app, by kind: `pages` (register, decision page, diff, positions,
PDF) and `edit` (every form, each an `ObjectEditView` over a service)."""
