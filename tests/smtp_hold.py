"""An SMTP sink for tests (aiosmtpd): each message is stored in a maildir as
aiosmtpd.handlers.Mailbox does, then, while a file named `hold` exists beside the maildir,
the answer to DATA waits. A test can so stop the sender in the middle of a send: the
message has arrived, the sender has not heard so.

    PYTHONPATH=tests python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_hold.Holding DIR/maildir
"""

import asyncio
import os

from aiosmtpd.handlers import Mailbox


class Holding(Mailbox):
    def __init__(self, maildir):
        super().__init__(maildir)
        self.hold = os.path.join(os.path.dirname(os.path.abspath(maildir)), "hold")

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        while os.path.exists(self.hold):
            await asyncio.sleep(0.05)
        return answer
