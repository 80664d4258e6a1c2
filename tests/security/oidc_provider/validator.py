from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Adds the claims a ministry's identity provider would send: the person's member (ISO code)
    and role. The test keeps them in the user's first name (role) and last name (member)."""

    oidc_claim_scope = None  # every claim for every scope: the test provider keeps it simple

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "email": user.email,
            "forge_role": user.first_name,
            "forge_member": user.last_name,
        }
