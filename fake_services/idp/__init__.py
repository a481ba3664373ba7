"""Fake OpenID Connect identity providers: Microsoft identity platform v2.0 and Google.

    from fake_services.idp import MicrosoftProvider

    with MicrosoftProvider() as microsoft:
        tenant = microsoft.control.add_tenant(name="Contoso")
        ...

See README.md in this folder.
"""

from fake_services.idp.client import ControlError, IdentityProviderControl
from fake_services.idp.misbehaviour import Misbehaviour
from fake_services.idp.runners import FakeIdentityProvider, GoogleProvider, MicrosoftProvider

__all__ = [
    "ControlError",
    "FakeIdentityProvider",
    "GoogleProvider",
    "IdentityProviderControl",
    "MicrosoftProvider",
    "Misbehaviour",
]
