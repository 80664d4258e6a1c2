from django.urls import path

from decisions.views import edit, pages

app_name = "decisions"

urlpatterns = [
    path("", pages.register, name="register"),
    path("positions/", pages.positions, name="positions"),
    path("positions/<str:iso2>/", pages.member_record, name="member_record"),
    path("new/", edit.DecisionCreate.as_view(), name="create"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/edit/", edit.DecisionEdit.as_view(), name="edit"),
    path("<int:pk>/move/", edit.DecisionMove.as_view(), name="move"),
    path("<int:pk>/procedure/", edit.ProcedureOpen.as_view(), name="procedure_open"),
    path("<int:pk>/changes/", pages.diff, name="diff"),
    path("<int:pk>/pdf/", pages.pdf, name="pdf"),
    path("procedures/<int:pk>/answer/", edit.PositionAnswer.as_view(), name="answer"),
    path(
        "procedures/<int:pk>/withdraw-objection/", edit.ObjectionWithdraw.as_view(), name="objection_withdraw"
    ),
    path("procedures/<int:pk>/extend/", edit.ProcedureExtend.as_view(), name="procedure_extend"),
    path("procedures/<int:pk>/withdraw/", edit.ProcedureWithdraw.as_view(), name="procedure_withdraw"),
]
