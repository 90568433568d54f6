"""The care vocabulary of catalogue search in the Wagtail admin ("Search synonyms" in Settings).

Council editors keep it: the Editors group holds the model permissions (migration 0010), and
Wagtail's model permission policy checks them. A saved rule applies to searches within a minute
(search/vocabulary.py); Elasticsearch's synonym filter in the index settings takes it up at the
next `manage.py rebuild_search_index`, while the query-time expansion applies at once there too.
"""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from search.models import SynonymGroup


class SynonymGroupViewSet(ModelViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = "Search synonyms"
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["rule", "note"]
    search_fields = ["rule", "note"]
    form_fields = ["rule", "note"]
    list_per_page = 100


@hooks.register("register_admin_viewset")
def register_synonym_viewset():
    return SynonymGroupViewSet("search_synonyms")
