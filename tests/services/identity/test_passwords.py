from services.identity.passwords import hash_password, password_problems, verify_password


def test_hashes_are_argon2id_and_salted():
    first, second = hash_password("Secret-pass-9"), hash_password("Secret-pass-9")
    assert first.startswith("$argon2id$")
    assert first != second


def test_verify_accepts_only_the_right_password():
    hashed = hash_password("Secret-pass-9")
    assert verify_password(hashed, "Secret-pass-9")
    assert not verify_password(hashed, "secret-pass-9")
    assert not verify_password(None, "Secret-pass-9")
    assert not verify_password("not-a-hash", "Secret-pass-9")


def test_weak_passwords_are_explained():
    assert password_problems("Good-password-1") == []
    assert "Au moins 10 caractères." in password_problems("Ab1")
    assert "Au moins un chiffre." in password_problems("NoDigitsHere")
    assert "Des majuscules et des minuscules." in password_problems("alllowercase1")
