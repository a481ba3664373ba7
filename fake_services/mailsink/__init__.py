"""A fake mail server for tests: captures every email over SMTP and serves it to tests and people.

In-process::

    with MailSink() as sink:
        ...  # point the CRM at sink.smtp_host:sink.smtp_port
        message = sink.store.wait_for(to="ann@example.test", subject="Activate")
        url = message.link("Activate now")

From another process, against `python -m fake_services.mailsink`::

    client = MailSinkClient("http://127.0.0.1:8025")
    message = client.mailbox("ann@example.test").wait_for(subject="Activate")
"""

from fake_services.mailsink.client import AsyncMailSinkClient, MailSinkApiError, MailSinkClient
from fake_services.mailsink.faults import Fault, FaultAction, FaultPlan, FaultStage
from fake_services.mailsink.links import Link
from fake_services.mailsink.mailbox import Mailbox
from fake_services.mailsink.message import Message
from fake_services.mailsink.relay import SmtpCredentials
from fake_services.mailsink.sink import MailSink
from fake_services.mailsink.store import MailTimeout, MessageStore

__all__ = [
    "AsyncMailSinkClient",
    "Fault",
    "FaultAction",
    "FaultPlan",
    "FaultStage",
    "Link",
    "MailSink",
    "MailSinkApiError",
    "MailSinkClient",
    "MailTimeout",
    "Mailbox",
    "Message",
    "MessageStore",
    "SmtpCredentials",
]
