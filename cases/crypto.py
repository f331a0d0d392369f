"""Encryption at rest of protected persons' identities and contacts (docs/security.md,
"Encryption at rest").

Envelope encryption with AES-256-GCM (the `cryptography` library):
- the key-encryption key (KEK) comes from IHL_ENCRYPTION_KEY or IHL_ENCRYPTION_KEY_FILE and
  never reaches the database;
- each encrypted table has a data key (cases.DataKey), stored only wrapped by the KEK;
- each value is sealed with its table's data key, bound to its table and column, and stored
  as text: "v1:<data key id>:<base64 of nonce + ciphertext>";
- names are found by keyed hashes (HMAC-SHA256 under a key derived from the KEK) of their
  normalised tokens: `name_hashes()`.

A value that cannot be opened (no key, the wrong key, a data key rotated away) raises
EncryptionKeyError, whose message says what to configure; the admin turns it into a page
that says so (cases/admin/protected.py), commands into a CommandError.
"""

import base64
import functools
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

PREFIX = "v1"
NONCE_BYTES = 12
# Values are padded to a multiple of this many bytes, so that a dump does not tell a
# name's exact length.
PAD_TO = 32


class EncryptionKeyError(ImproperlyConfigured):
    """The key to open or seal protected data is missing or wrong."""


def new_key() -> str:
    """A new key-encryption key, as IHL_ENCRYPTION_KEY takes it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str, origin: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise EncryptionKeyError(
            f"{origin} is not an encryption key: it must be 32 bytes in URL-safe base64 "
            "(make one with: manage.py rotate_encryption_key --new-key)."
        )
    return key


def key_id(key: bytes) -> str:
    """A short name of a KEK, stored with what it wraps: it says which key to configure."""
    return hashlib.sha256(b"ihl key id\0" + key).hexdigest()[:16]


def dev_key_file() -> Path:
    """Development only (the default of IHL_ENCRYPTION_KEY_FILE with DJANGO_DEBUG): a
    random key kept under var/, like the secret key, made on first use."""
    path = settings.VAR_DIR / "dev-encryption-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x") as file:  # "x": two processes never write two keys
                file.write(new_key())
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path


def current_kek() -> bytes:
    if settings.IHL_ENCRYPTION_KEY:
        return parse_key(settings.IHL_ENCRYPTION_KEY, "IHL_ENCRYPTION_KEY")
    path = settings.IHL_ENCRYPTION_KEY_FILE
    if path and Path(path) == settings.VAR_DIR / "dev-encryption-key":
        dev_key_file()
    if not path:
        raise EncryptionKeyError(
            "No encryption key: set IHL_ENCRYPTION_KEY or IHL_ENCRYPTION_KEY_FILE to read or "
            "write protected identities."
        )
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise EncryptionKeyError(
            f"IHL_ENCRYPTION_KEY_FILE {path} cannot be read: {error.strerror}."
        ) from None
    return parse_key(text, f"IHL_ENCRYPTION_KEY_FILE {path}")


def keks() -> dict[str, bytes]:
    """The configured KEKs by id: the current one first, then those being rotated away.
    Read once per configuration (not per value): a changed key needs a restart."""
    return _keks(
        settings.IHL_ENCRYPTION_KEY,
        settings.IHL_ENCRYPTION_KEY_FILE,
        tuple(settings.IHL_ENCRYPTION_PREVIOUS_KEYS),
    )


@functools.lru_cache(maxsize=4)
def _keks(*configuration) -> dict[str, bytes]:
    current = current_kek()
    found = {key_id(current): current}
    for n, text in enumerate(settings.IHL_ENCRYPTION_PREVIOUS_KEYS, start=1):
        key = parse_key(text, f"Key {n} of IHL_ENCRYPTION_PREVIOUS_KEYS")
        found.setdefault(key_id(key), key)
    return found


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: the keys that protected data and backups need."""
    problems: list[checks.CheckMessage] = []
    try:
        keks()
    except EncryptionKeyError as error:
        problems.append(checks.Warning(str(error), id="ihl.W001"))
    if not settings.IHL_BACKUP_RECIPIENTS:
        problems.append(
            checks.Warning(
                "IHL_BACKUP_RECIPIENTS is unset: backup_db refuses to run without the age "
                "public keys to encrypt to.",
                id="ihl.W002",
            )
        )
    return problems


def wrap(data_key: bytes, kek: bytes, table: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, f"data key {table}".encode())


def unwrap(wrapped: bytes, kek: bytes, table: str) -> bytes:
    nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    return AESGCM(kek).decrypt(nonce, sealed, f"data key {table}".encode())


# Unwrapped data keys by (KEK id, data key id): a data key never changes once written, and
# keying by the KEK means a process whose key is changed or removed opens nothing more.
_data_keys: dict[tuple[str, int], AESGCM] = {}


def forget_keys() -> None:
    """Drop the keys this process holds (after a rotation; in tests)."""
    _data_keys.clear()
    _keks.cache_clear()


def data_key(key_pk: int, table: str) -> AESGCM:
    from cases.models import DataKey

    configured = keks()
    current_id = next(iter(configured))
    cached = _data_keys.get((current_id, key_pk))
    if cached is not None:
        return cached
    row = DataKey.objects.filter(pk=key_pk, table=table).first()
    if row is None:
        raise EncryptionKeyError(
            f"Data key {key_pk} of {table} no longer exists: this value was encrypted before "
            "a key rotation that has since finished. Restore a backup taken after it."
        )
    if row.kek_id not in configured:
        raise EncryptionKeyError(
            f"The data key of {table} is wrapped by key {row.kek_id}, which is not configured "
            f"(the configured key is {current_id}): set IHL_ENCRYPTION_KEY or "
            "IHL_ENCRYPTION_KEY_FILE to it, or add it to IHL_ENCRYPTION_PREVIOUS_KEYS."
        )
    try:
        opened = AESGCM(unwrap(bytes(row.wrapped), configured[row.kek_id], table))
    except InvalidTag:
        raise EncryptionKeyError(
            f"The data key of {table} does not open: it was altered."
        ) from None
    _data_keys[(current_id, key_pk)] = opened
    return opened


def current_data_key(table: str) -> tuple[int, AESGCM]:
    """The data key new values of `table` are sealed with: its newest one wrapped by the
    current KEK, made on first use. Looked up on every write, so a rotation that adds a key
    is followed at once by every process."""
    from cases.models import DataKey

    current_id = next(iter(keks()))
    row = DataKey.objects.filter(table=table, kek_id=current_id).order_by("-pk").first()
    if row is None:
        return create_data_key(table, DataKey)
    return row.pk, data_key(row.pk, table)


def create_data_key(table: str, model, **fields) -> tuple[int, AESGCM]:
    """A new data key for `table`, saved wrapped in `model` (DataKey, or its historical
    model in a migration)."""
    kek, raw = next(iter(keks().values())), AESGCM.generate_key(256)
    row = model.objects.create(
        table=table, kek_id=key_id(kek), wrapped=wrap(raw, kek, table), **fields
    )
    return row.pk, AESGCM(raw)


def pad(data: bytes) -> bytes:
    # ISO/IEC 7816-4: a 0x80 byte, then zeros up to the block.
    data += b"\x80"
    return data + b"\0" * (-len(data) % PAD_TO)


def unpad(data: bytes) -> bytes:
    return data[: data.rstrip(b"\0").rindex(b"\x80")]


def seal(text: str, table: str, column: str, key: tuple[int, AESGCM] | None = None) -> str:
    """`text` encrypted for `table`.`column`; "" stays "" (nothing to hide but emptiness)."""
    if text == "":
        return ""
    key_pk, aead = key or current_data_key(table)
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, pad(text.encode()), f"{table}.{column}".encode())
    return f"{PREFIX}:{key_pk}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_sealed(value: str, table: str, column: str) -> str:
    if value == "":
        return ""
    try:
        prefix, key_pk, payload = value.split(":", 2)
        raw = base64.urlsafe_b64decode(payload.encode())
    except ValueError:
        prefix = ""
    if prefix != PREFIX:
        raise EncryptionKeyError(f"{table}.{column} holds a value that is not encrypted.")
    aead = data_key(int(key_pk), table)
    try:
        return unpad(
            aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{table}.{column}".encode())
        ).decode()
    except InvalidTag:
        raise EncryptionKeyError(
            f"A value of {table}.{column} does not open: it was altered."
        ) from None


class Stored(str):
    """A value already in its stored form (sealed by the caller): the field writes it as it
    is. For the rotation and the migration, which seal with a key they chose."""


class UnderOtherKey(models.Lookup):
    """`field__under_other_key=<data key pk>`: the value is sealed with another data key."""

    lookup_name = "under_other_key"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [f"{PREFIX}:{int(value)}:%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"({lhs} LIKE '{PREFIX}:%%' AND {lhs} NOT LIKE {rhs})"
        return sql, [*lhs_params, *lhs_params, *rhs_params]


class Encrypted:
    """A model field stored sealed (above) in a text column, whatever its Python type.

    Only `isnull` lookups (and `under_other_key`, for the rotation): the stored text says
    nothing about the value, so any other lookup is refused (FieldError) rather than
    silently matching nothing.
    """

    def get_internal_type(self):
        # The column is text: migrations then convert a date or varchar column (USING).
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == UnderOtherKey.lookup_name:
            return UnderOtherKey
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared and not isinstance(value, Stored):
            value = self.get_prep_value(value)
        if value is None or isinstance(value, Stored):
            return value
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return seal(text, self.model._meta.db_table, self.column)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.to_python(open_sealed(value, self.model._meta.db_table, self.column))


class EncryptedCharField(Encrypted, models.CharField):
    """max_length is the longest text the form accepts; the column is text."""


class EncryptedTextField(Encrypted, models.TextField):
    pass


class EncryptedDateField(Encrypted, models.DateField):
    pass


# Searching protected names: keyed hashes of normalised tokens.

APOSTROPHES = re.compile(r"['’ʼ`´]")


def name_tokens(text: str) -> list[str]:
    """Lower-case words without accents or apostrophes: "Мар'яна Lvova-Belova" gives
    ["маряна", "lvova", "belova"]."""
    text = unicodedata.normalize("NFKD", APOSTROPHES.sub("", text))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.findall(r"\w+", text.casefold())


def contact_tokens(text: str) -> list[str]:
    """A contact's words, and for a phone number (6 digits or more) its digits run together:
    "+380 67 123 45 67" is found as typed and as "+380671234567"."""
    digits = "".join(re.findall(r"\d", text))
    return [*name_tokens(text), *([digits] if len(digits) >= 6 else [])]


def search_keys() -> list[bytes]:
    """The hash keys, derived from each configured KEK: during a rotation a name is found
    under the new key and the old one."""
    return [
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ihl name search").derive(k)
        for k in keks().values()
    ]


def token_hash(token: str, key: bytes) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def name_hashes(*names: str, tokens=name_tokens) -> list[str]:
    """What a ProtectedIdentity stores to be found by name: the hash of each token of its
    names under the current key. A whole name is found by all of its tokens."""
    key = search_keys()[0]
    return sorted({token_hash(token, key) for name in names for token in tokens(name)})


def query_hashes(text: str) -> list[list[str]]:
    """For a search: the hashes of its tokens under each configured key; a name matches
    when it has every one of one list."""
    tokens = name_tokens(text)
    if not tokens:
        return []
    return [sorted({token_hash(token, key) for token in tokens}) for key in search_keys()]


class NameHashesField(ArrayField):
    """The name hashes of a row, computed from its `sources` fields on every save (like
    auto_now): every write path keeps them current. Not editable, not in the history."""

    tokens = staticmethod(name_tokens)

    def __init__(self, *args, sources: tuple[str, ...] = (), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("base_field", models.CharField(max_length=32))
        kwargs.setdefault("default", list)
        kwargs["blank"] = True
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for implied in ("blank", "editable", "default"):
            kwargs.pop(implied, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        sources = (getattr(model_instance, source) or "" for source in self.sources)
        value = name_hashes(*sources, tokens=self.tokens)
        setattr(model_instance, self.attname, value)
        return value


class ContactHashesField(NameHashesField):
    """A contact's hashes: its words, and a phone number's digits run together."""

    tokens = staticmethod(contact_tokens)


# Rotation: a new data key per table, every value sealed again with it, the old keys deleted.


def encrypted_models() -> list[type[models.Model]]:
    """The models with sealed fields: the protected tables and their history."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(field, Encrypted) for field in model._meta.concrete_fields)
    ]


def rotation_target(model: type[models.Model]):
    """The data key a rotation of `model`'s table seals with: the one a killed run left
    (under the current KEK), else a new one. New writes use it at once (the newest)."""
    from cases.models import DataKey

    table = model._meta.db_table
    target = (
        DataKey.objects.filter(table=table, kek_id=next(iter(keks())), rotating=True)
        .order_by("-pk")
        .first()
    )
    if target is None:
        key_pk, _aead = create_data_key(table, DataKey, rotating=True)
        target = DataKey.objects.get(pk=key_pk)
    return target


def stale(model: type[models.Model], key_pk: int) -> models.Q:
    """Rows with a value sealed with a data key other than `key_pk`."""
    found = models.Q()
    for field in model._meta.concrete_fields:
        if isinstance(field, Encrypted):
            found |= models.Q(**{f"{field.name}__under_other_key": key_pk})
    return found


def reseal(model: type[models.Model], target, *, batch_size: int) -> Iterator[int]:
    """Seal every value of `model`'s table with `target`, in batches of rows, each in its
    own transaction that also records how far it got (target.rotated_through): a killed
    run goes on from there. Yields the rows done per batch. Then deletes the old keys."""
    from cases.models import DataKey

    table = model._meta.db_table
    key = (target.pk, data_key(target.pk, table))
    sealed = [field for field in model._meta.concrete_fields if isinstance(field, Encrypted)]
    hashed = [field for field in model._meta.concrete_fields if isinstance(field, NameHashesField)]
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update()
                .filter(stale(model, target.pk), pk__gt=target.rotated_through)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                # A row a process wrote with an old key while this ran: once more from the
                # start; otherwise done.
                if (
                    target.rotated_through
                    and model.objects.filter(stale(model, target.pk)).exists()
                ):
                    target.rotated_through = 0
                    target.save(update_fields=["rotated_through"])
                    continue
                DataKey.objects.filter(table=table).exclude(pk=target.pk).delete()
                target.rotating = False
                target.save(update_fields=["rotating"])
                return
            for row in rows:
                for field in hashed:
                    field.pre_save(row, add=False)
                for field in sealed:
                    value = getattr(row, field.attname)
                    if value not in (None, ""):
                        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
                        setattr(row, field.attname, Stored(seal(text, table, field.column, key)))
            model.objects.bulk_update(rows, [f.name for f in (*sealed, *hashed)])
            target.rotated_through = rows[-1].pk
            target.save(update_fields=["rotated_through"])
        yield len(rows)
