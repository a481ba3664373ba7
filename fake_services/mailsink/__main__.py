"""Run the mail sink until Ctrl-C: `python -m fake_services.mailsink --smtp-port 2525 --http-port 8025`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import ssl
import threading
from pathlib import Path

from fake_services.mailsink.faults import DEFAULT_MAX_MESSAGE_SIZE
from fake_services.mailsink.relay import SmtpCredentials
from fake_services.mailsink.sink import MailSink
from fake_services.serving import TlsFiles, wait_until_stopped

PASSWORD_VARIABLE = "MAILSINK_AUTH_PASSWORD"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fake_services.mailsink", description=__doc__)
    parser.add_argument("--smtp-host", default="127.0.0.1", help="address for SMTP (default: %(default)s)")
    parser.add_argument("--smtp-port", type=int, default=2525, help="0 picks a free port (default: %(default)s)")
    parser.add_argument("--http-host", default="127.0.0.1", help="address for the web inbox and API")
    parser.add_argument("--http-port", type=int, default=8025, help="0 picks a free port (default: %(default)s)")
    parser.add_argument(
        "--max-message-size",
        type=int,
        default=DEFAULT_MAX_MESSAGE_SIZE,
        help="largest accepted message in bytes, advertised as SMTP SIZE (default: %(default)s)",
    )
    parser.add_argument(
        "--certfile", type=Path, help="offer STARTTLS and serve HTTPS with this certificate (PEM, chain after it)"
    )
    parser.add_argument("--keyfile", type=Path, help="the certificate's private key (PEM)")
    parser.add_argument(
        "--require-starttls", action="store_true", help="refuse mail until the client has sent STARTTLS"
    )
    parser.add_argument(
        "--auth",
        metavar="USER[:PASSWORD]",
        help=f"require SMTP AUTH (PLAIN or LOGIN) as USER before MAIL; the password is read from {PASSWORD_VARIABLE}, "
        "or follows a colon (visible to other users of this machine)",
    )
    arguments = parser.parse_args(argv)
    if (arguments.certfile is None) != (arguments.keyfile is None):
        parser.error("--certfile and --keyfile go together")
    if arguments.require_starttls and arguments.certfile is None:
        parser.error("--require-starttls needs --certfile and --keyfile")
    return arguments


def credentials(auth: str | None, environ: dict[str, str]) -> SmtpCredentials | None:
    """`USER` with the password in MAILSINK_AUTH_PASSWORD, or `USER:PASSWORD` (split at the first colon)."""
    if auth is None:
        return None
    username, colon, password = auth.partition(":")
    if not colon:
        password = environ.get(PASSWORD_VARIABLE, "")
    if not username or not password:
        raise ValueError(f"--auth needs a user name, and a password in {PASSWORD_VARIABLE} or as --auth USER:PASSWORD")
    return SmtpCredentials(username, password)


def tls_files(arguments: argparse.Namespace) -> TlsFiles | None:
    if arguments.certfile is None:
        return None
    return TlsFiles(arguments.certfile, arguments.keyfile)


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop_requested = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop_requested.set())
    try:
        smtp_credentials = credentials(arguments.auth, dict(os.environ))
    except ValueError as error:
        raise SystemExit(f"mail sink: {error}") from None
    try:
        sink = MailSink(
            smtp_host=arguments.smtp_host,
            smtp_port=arguments.smtp_port,
            http_host=arguments.http_host,
            http_port=arguments.http_port,
            max_message_size=arguments.max_message_size,
            tls=tls_files(arguments),
            require_starttls=arguments.require_starttls,
            credentials=smtp_credentials,
        )
    except (ssl.SSLError, FileNotFoundError) as error:
        raise SystemExit(f"mail sink: cannot use the certificate {arguments.certfile}: {error}") from None
    except OSError as error:
        raise SystemExit(
            f"mail sink: cannot listen on {arguments.smtp_host}:{arguments.smtp_port} (SMTP) "
            f"and {arguments.http_host}:{arguments.http_port} (HTTP): {error}"
        ) from None
    with sink:
        print(f"SMTP listening on {sink.smtp_host}:{sink.smtp_port}", flush=True)
        print(f"Web inbox: {sink.http_url}/", flush=True)
        if sink.starttls:
            required = " (required before MAIL)" if arguments.require_starttls else ""
            print(f"SMTP offers STARTTLS{required}", flush=True)
        if smtp_credentials is not None:
            after = " after STARTTLS" if sink.starttls else ""
            print(f"SMTP requires AUTH (PLAIN or LOGIN{after}) as {smtp_credentials.username}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        wait_until_stopped(stop_requested)
    print("Mail sink stopped.", flush=True)


if __name__ == "__main__":
    main()
