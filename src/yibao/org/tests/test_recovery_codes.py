"""Recovery codes are kept as salted hashes: shown once when made, never stored in clear, each works once."""

import io

import pytest
from django.core.management import call_command

from yibao.org.auth.recovery import code_matches, hash_code
from yibao.org.auth.twofactor import new_recovery_codes
from yibao.org.constants import Role
from yibao.org.models import RecoveryCode, RecoveryCodeDevice

pytestmark = pytest.mark.django_db


def _database_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().lower()


def test_the_database_holds_no_recovery_code_in_clear(make_user, county):
    user = make_user("head1", Role.HEAD, county)
    codes = new_recovery_codes(user)
    assert len(set(codes)) == 10
    dump = _database_text()
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert all(row.digest.startswith("pbkdf2_sha256$") for row in RecoveryCode.objects.all())


def test_a_recovery_code_works_once_typed_in_any_case_with_or_without_its_dash(make_user, county):
    user = make_user("head1", Role.HEAD, county)
    codes = new_recovery_codes(user)
    device = RecoveryCodeDevice.objects.get(user=user)
    assert not device.verify_token("wrong-code1")
    device.throttle_reset()
    assert device.verify_token(codes[3].upper().replace("-", " "))
    assert not device.verify_token(codes[3])
    assert device.codes.count() == 9


def test_new_codes_replace_the_old_ones(make_user, county):
    user = make_user("head1", Role.HEAD, county)
    old = new_recovery_codes(user)
    new_recovery_codes(user)
    device = RecoveryCodeDevice.objects.get(user=user)
    assert device.codes.count() == 10 and not device.verify_token(old[0])


def test_a_hash_is_salted_so_the_same_code_hashes_differently():
    first, second = hash_code("abcde-fghij"), hash_code("abcde-fghij")
    assert first != second and code_matches("ABCDEFGHIJ", first) and not code_matches("abcde-fghik", first)


def test_the_migration_hashes_clear_tokens_and_deletes_them(make_user, county):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    user = make_user("head1", Role.HEAD, county)
    static = StaticDevice.objects.create(user=user, name="恢复码")
    static.token_set.create(token="abcd2345")
    migration = import_module("yibao.org.migrations.0006_recovery_codes_hashed")
    migration.hash_clear_tokens(apps, connection.schema_editor())
    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    assert "abcd2345" not in _database_text()
    assert RecoveryCodeDevice.objects.get(user=user).verify_token("abcd2345")
