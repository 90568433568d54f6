import base64
import hashlib

from django.conf import settings
from django.urls import reverse

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet

from core.roles import DEFAULT_ROLE, user_grant_role


class AccountAdapter(DefaultAccountAdapter):
    """Every new account starts as a member of the public; e-mails name the service and council."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_grant_role(user=user, role=DEFAULT_ROLE)
        return user

    def get_login_redirect_url(self, request):
        """Provider staff land on their organisations' dashboard; everyone else on their
        account. A `next` the sign-in form carries still wins (allauth reads it first)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.memberships.exists():
            return reverse("catalogue:dashboard")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        from marketplace.pages.models import SiteSettings

        request = context.get("request") or self.request
        site_settings = SiteSettings.for_request(request) if request else None
        context = {
            **context,
            "service_name": getattr(site_settings, "service_name", None)
            or settings.WAGTAIL_SITE_NAME,
            "council_name": getattr(site_settings, "council_name", ""),
        }
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    """Authenticator secrets are stored encrypted with a key made from SECRET_KEY (older keys in
    SECRET_KEY_FALLBACKS still read them), the code names the site, and staff who must have a
    second factor cannot remove their only authenticator app."""

    def get_totp_issuer(self) -> str:
        return settings.WAGTAIL_SITE_NAME

    @staticmethod
    def _fernet() -> MultiFernet:
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return MultiFernet(
            [
                Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"mfa:{key}".encode()).digest()))
                for key in keys
            ]
        )

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from marketplace.accounts.middleware import needs_second_factor

        return not (
            authenticator.type == Authenticator.Type.TOTP
            and needs_second_factor(authenticator.user)
        )
