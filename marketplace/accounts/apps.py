from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import personal_data, tasks_data

        from . import middleware
        from . import personal_data as account_data

        user_logged_in.connect(middleware.note_staff_sign_in, dispatch_uid="staff-idle")

        personal_data.register(
            "account", export=account_data.export_account, erase=account_data.erase_account
        )
        # E-mails waiting in the task queue, and finished ones, hold the account's addresses.
        personal_data.register(
            "queued_email",
            export=tasks_data.export_queued_email,
            erase=tasks_data.erase_queued_email,
        )
