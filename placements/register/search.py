"""Finding entries of Ofsted's register by name, URN or postcode (the register page; adding a provider).

One box takes any of the three, as a person types them: a URN in any case and with stray spaces
("sc 123456"); a postcode with or without its space, whole or only its first part ("wr1 2ab", "WR12AB",
"WR1"); or words of the name, each found anywhere in it in any case ("oak fostering" finds "Oak Tree
Fostering Ltd").
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from placements.register.models import RegisterEntry, postcode_key

#: Entries listed at most on the provider form (the register page pages through all of them).
SHOWN = 20


def matching(text: str, entries: QuerySet[RegisterEntry] | None = None) -> QuerySet[RegisterEntry]:
    """Entries whose URN is ``text``, whose postcode begins with it, or whose name holds each of its words."""
    entries = RegisterEntry.objects.all() if entries is None else entries
    words = (text or "").split()
    if not words:
        return entries.none()
    key = postcode_key(text)
    by_name = Q()
    for word in words:
        by_name &= Q(name__icontains=word)
    found = Q(urn=key) | by_name
    if len(key) >= 2:
        found |= Q(postcode_key__startswith=key)
    return entries.filter(found)


def provider_fields(entry: RegisterEntry) -> dict:
    """What adding a provider to the list takes from its register entry (the form's first values).

    Ownership is left to the person unless the entry is plainly not a council's own (any sector but "Local
    Authority": external); a redacted name stays the placeholder, for the person to replace."""
    from placements.choices import Ownership

    fields = {"name": entry.name, "urn": entry.urn, "provision": entry.provision, "regulated": True,
              "status": entry.status, "postcode": entry.postcode, "local_authority": entry.local_authority}
    if entry.sector and entry.sector.strip().lower() != "local authority":
        fields["ownership"] = Ownership.EXTERNAL
    return fields
