"""Key rotation: the new key signs at once, the previous one stays published until the next rotation.

Reset keeps the signing key (generating one is slow) but forgets the retired one.
"""

from __future__ import annotations

from tests.idp.support import Browser, Party, published_keys, tokens_for, unverified_parts, verified_claims


def published_kids(party: Party) -> list[str]:
    return [str(key.kid) for key in published_keys(party).keys]


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    first_kid = control.keys()["signing_kid"]
    old_token = tokens_for(visitor, party)["id_token"]
    assert unverified_parts(old_token)[0]["kid"] == first_kid

    second_kid = control.rotate_keys()
    assert second_kid != first_kid
    assert control.keys() == {"signing_kid": second_kid, "published_kids": [second_kid, first_kid]}
    assert published_kids(party) == [second_kid, first_kid]
    new_token = tokens_for(visitor, party)["id_token"]
    assert unverified_parts(new_token)[0]["kid"] == second_kid
    assert verified_claims(party, new_token)["sub"] == party.subject
    assert verified_claims(party, old_token)["sub"] == party.subject

    third_kid = control.rotate_keys()
    assert published_kids(party) == [third_kid, second_kid]
    assert first_kid not in published_kids(party)

    control.reset()
    assert control.keys() == {"signing_kid": third_kid, "published_kids": [third_kid]}
