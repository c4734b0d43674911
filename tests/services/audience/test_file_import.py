"""A whole file imported in one call (demo data, scripts): the wizard's steps, the same outcome."""
from services.audience.file_import import import_file
from services.db.tenancy import tenant_session
from services.models.audience import ContactList
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant

CSV = ("Nom;Prénom;Téléphone;Email\n"
       "Mbarga;Paul;+237 671 23 45 67;paul@exemple.cm\n"
       "Mbarga;Paul;671234567;paul@exemple.cm\n"          # the same person again
       "Ndongo;Aïcha;12;aicha@exemple.cm\n")              # a number that is no number


def test_import_file_leaves_a_ready_list_with_the_wizards_counts():
    ctx = context_for(new_tenant(), Role.SUPERVISOR)
    list_id = import_file(ctx, "Clients Douala", CSV.encode("cp1252"))
    with tenant_session(ctx) as session:
        contact_list = session.get(ContactList, list_id)
    assert (contact_list.name, contact_list.status) == ("Clients Douala", "PRETE")
    assert (contact_list.total, contact_list.accepted, contact_list.duplicates, contact_list.errors) == (3, 1, 1, 1)
