from django.urls import path

from prm.accounts import views

app_name = "accounts"
urlpatterns = [
    path("partner-orgs/", views.partner_org_list, name="partner_org_list"),
    path("partner-orgs/suggest/", views.partner_org_suggest, name="partner_org_suggest"),
    path("partner-orgs/new/", views.partner_org_create, name="partner_org_create"),
    path("partner-orgs/<uuid:org_id>/", views.partner_org_detail, name="partner_org_detail"),
    path("users/", views.user_list, name="user_list"),
    path("users/<uuid:membership_id>/deactivate/", views.membership_deactivate, name="membership_deactivate"),
    path("invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
