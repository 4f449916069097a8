"""Django's SMTP backend, telling whether a message that failed may still have reached the
server: send_alerts (alerts/sending.py) sends a vacancy at most once, so a mail that may have
left is never sent again, and one that certainly did not is tried again."""

import smtplib

from django.core.mail.backends import smtp


class _Tracked:
    """An SMTP connection that notes when a message's content starts to be handed over:
    until then, a failure means the server has nothing."""

    handing_over = False

    def data(self, msg):
        self.handing_over = True
        return super().data(msg)


class _TrackedSMTP(_Tracked, smtplib.SMTP):
    pass


class _TrackedSMTPSSL(_Tracked, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return _TrackedSMTPSSL if self.use_ssl else _TrackedSMTP

    def _send(self, email_message):
        if self.connection is not None:
            self.connection.handing_over = False
        return super()._send(email_message)

    def may_have_taken_last(self) -> bool:
        """Whether the server may hold the last message, though sending it failed."""
        return getattr(self.connection, "handing_over", True)
