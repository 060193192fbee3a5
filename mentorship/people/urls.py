from django.urls import path

from mentorship.people import two_factor_views, views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/company/", views.company_sign_in_start, name="company-sign-in"),
    path("sign-in/company/done/", views.company_sign_in_done, name="company-sign-in-done"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.my_data, name="my-data"),
    path("security/", views.account_security, name="account-security"),
    path("security/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign-out-elsewhere"),
    path("two-factor/", two_factor_views.settings_page, name="two-factor"),
    path("two-factor/code/", two_factor_views.verify, name="two-factor-verify"),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.recovery_codes_renew,
        name="two-factor-recovery-codes",
    ),
    path("two-factor/off/", two_factor_views.turn_off, name="two-factor-off"),
    path("two-factor/new-codes/", two_factor_views.new_codes, name="two-factor-new-codes"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
