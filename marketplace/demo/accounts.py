"""The demo accounts: one per role. Demo passwords are public by design; never load them live."""

from core.roles import Role

DEMO_ACCOUNTS = [
    # (email, password, first name, last name, extra roles, superuser)
    ("public@caremarket.example", "demo-public-2026", "Pat", "Public", (), False),
    (
        "provider@caremarket.example",
        "demo-provider-2026",
        "Priya",
        "Provider",
        (Role.PROVIDER_STAFF,),
        False,
    ),
    (
        "moderator@caremarket.example",
        "demo-moderator-2026",
        "Morgan",
        "Moderator",
        (Role.MODERATOR,),
        False,
    ),
    ("editor@caremarket.example", "demo-editor-2026", "Eddie", "Editor", (Role.EDITOR,), False),
    (
        "commissioner@caremarket.example",
        "demo-commissioner-2026",
        "Chris",
        "Commissioner",
        (Role.COMMISSIONER,),
        False,
    ),
    (
        "practitioner@caremarket.example",
        "demo-practitioner-2026",
        "Sam",
        "Practitioner",
        (Role.PRACTITIONER,),
        False,
    ),
    (
        "safeguarding@caremarket.example",
        "demo-safeguarding-2026",
        "Sian",
        "Safeguarding",
        (Role.SAFEGUARDING,),
        False,
    ),
    (
        "panel@caremarket.example",
        "demo-panel-2026",
        "Penny",
        "Panel",
        (Role.PANEL,),
        False,
    ),
    ("admin@caremarket.example", "demo-admin-2026", "Ada", "Admin", (), True),
]
