"""Agents and supervisors find a contact by phone in any format, name or e-mail."""
import io

import pytest

from services.audience.imports import inspect_source, record_contact_import, store_upload
from services.audience.injection import run_contact_import
from services.audience.search import find_contacts, fold
from services.identity.access import AccessDenied
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant

CSV = ("Nom;Prénom;Téléphone;Email\n"
       "Müller;Hélène;6 71 23 45 67;Helene.Muller@Exemple.cm\n"
       "Lefèvre;François;+33 6 12 34 56 78;francois@exemple.fr\n"
       "Mbarga;Awa;699887766;\n")


@pytest.fixture(scope="module")
def tenant():
    tenant = new_tenant()
    admin = context_for(tenant, Role.ADMIN)
    source = {"kind": "file", "upload": store_upload(admin, io.BytesIO(CSV.encode("cp1252")))}
    contact_list = record_contact_import(admin, "Clients", source, inspect_source(admin, source).suggested)
    run_contact_import(tenant.id, contact_list.id, admin.user_id)
    return tenant


@pytest.mark.parametrize("query", ["671234567", "6 71 23 45 67", "+237671234567",
                                   "00237 6.71.23.45.67", "(+237) 671-23-45-67"])
def test_agent_finds_by_phone_in_any_format(tenant, query):
    [hit] = find_contacts(context_for(tenant, Role.AGENT), query)
    assert (hit.nom, hit.prenom, hit.telephone, hit.list_name) == ("Müller", "Hélène", "+237671234567", "Clients")


def test_partial_numbers_names_and_emails(tenant):
    ctx = context_for(tenant, Role.SUPERVISOR)
    assert [h.nom for h in find_contacts(ctx, "6998")] == ["Mbarga"]
    assert [h.nom for h in find_contacts(ctx, "+33 6 12")] == ["Lefèvre"]
    assert [h.nom for h in find_contacts(ctx, "helene")] == ["Müller"]
    assert [h.nom for h in find_contacts(ctx, "MULLER h")] == ["Müller"]
    assert [h.nom for h in find_contacts(ctx, "lefevre")] == ["Lefèvre"]
    assert [h.nom for h in find_contacts(ctx, "helene.muller@")] == ["Müller"]
    assert find_contacts(ctx, "100%_") == [] and find_contacts(ctx, "x") == []


def test_other_tenants_and_outsiders_find_nothing(tenant):
    assert find_contacts(context_for(new_tenant(), Role.AGENT), "671234567") == []
    with pytest.raises(AccessDenied):
        find_contacts(context_for(None, Role.SUPER_ADMIN), "671234567")


def test_fold():
    assert fold("  Hélène   MÜLLER ") == "helene muller"
