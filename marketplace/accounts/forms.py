"""django-allauth's forms with the site's wording: GOV.UK style labels, no placeholders."""

from allauth.account import forms as allauth_forms

LABELS = {
    "login": "Email address",
    "email": "Email address",
    "password": "Password",
    "oldpassword": "Current password",
    "password1": "Password",
    "password2": "Confirm password",
    "remember": "Keep me signed in on this device",
}
REQUIRED_MESSAGES = {
    "login": "Enter your email address",
    "email": "Enter your email address",
    "password": "Enter your password",
    "oldpassword": "Enter your current password",
    "password1": "Enter a password",
    "password2": "Enter the password again to confirm it",
}
HINTS = {
    "password1": "At least 10 characters. Do not use a password you use anywhere else.",
}


class GovukWordingMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in LABELS:
                field.label = LABELS[name]
            if name in REQUIRED_MESSAGES:
                field.error_messages["required"] = REQUIRED_MESSAGES[name]
            if name in HINTS:
                field.help_text = HINTS[name]


class LoginForm(GovukWordingMixin, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth puts the reset link in the password's help text; the template shows it instead.
        self.fields["password"].help_text = ""


class SignupForm(GovukWordingMixin, allauth_forms.SignupForm):
    pass


class ResetPasswordForm(GovukWordingMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(GovukWordingMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(GovukWordingMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(GovukWordingMixin, allauth_forms.SetPasswordForm):
    pass


class AddEmailForm(GovukWordingMixin, allauth_forms.AddEmailForm):
    pass
