from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from alerts.sending import MailServerUnavailable, send_alerts


class Command(BaseCommand):
    help = (
        "Send the e-mail alerts that are due (run it every hour: README, 'E-mail alerts'), "
        "and delete the requests left unconfirmed for 7 days. Each vacancy is mailed to an "
        "alert once at most, however often and however many runs are started."
    )

    def handle(self, *args, **options):
        try:
            run = send_alerts()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        except MailServerUnavailable as error:
            raise CommandError(
                f"The mail server could not be used ({error}): what was not sent is sent by "
                "the next run."
            ) from error
        self.stdout.write(
            f"{run.mails_sent} alerts sent ({run.vacancies_mailed} vacancies), "
            f"{run.nothing_new} with nothing new, {run.refused} refused by the mail server "
            f"(tried again next run), {run.paused} paused, "
            f"{run.unconfirmed_deleted} unconfirmed requests deleted."
        )
        for refusal in run.refusals:
            self.stderr.write(f"Refused: alert {refusal}")
