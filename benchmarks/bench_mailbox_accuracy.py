"""False entries and job mail found in the benchmark mailbox, as a sync would record them.

Every message of `seeker_mailbox.mailbox` (French everyday mail: newsletters and
promotions full of "offre", "rendez-vous", "entretien", personal mail in and out,
invoices, alerts, lists; 5 % job mail taken from the labelled corpus) goes through the
sync's own stages, triage then parse → classify (`carnet.stages`), without IMAP:
a message triage drops, or classify does not keep, is no entry. Prints the false
entries per 2,000 non-job messages and the share of job mail kept, with the
subjects of the false entries. Entries in doubt count as entries (they are recorded,
flagged for review).

    python benchmarks/bench_mailbox_accuracy.py [--messages 10000]
"""

from __future__ import annotations

import argparse
from collections import Counter

from carnet.ingest.fetch import parse_headers
from carnet.ingest.folders import FolderRole
from carnet.ingest.parse import parse_message
from seeker_mailbox import SEEKER, mailbox

from carnet.stages import Raw, read, triage

ME = frozenset({SEEKER})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    counts: Counter[tuple[bool, bool]] = Counter()
    false: Counter[str] = Counter()
    for uid, mail in enumerate(mailbox(args.messages), start=1):
        role = FolderRole.SENT if mail.folder == "Sent" else FolderRole.INBOX
        header, _, _ = mail.raw.partition(b"\r\n\r\n")
        kept = triage(parse_headers(header), role, ME) and bool(read([Raw(uid, mail.raw)], ME, role, 0.5).evidence)
        counts[(mail.job, kept)] += 1
        if kept and not mail.job:
            false[f"{mail.folder}: {parse_message(mail.raw).subject[:60]}"] += 1
    others = counts[(False, False)] + counts[(False, True)]
    jobs = counts[(True, False)] + counts[(True, True)]
    print(f"mailbox: {args.messages} messages, {jobs} job mail, {others} other")
    print(f"false entries: {counts[(False, True)]} ({counts[(False, True)] * 2000 / others:.2f} per 2,000 "
          "non-job messages; target <= 1)")
    print(f"job mail found: {counts[(True, True)]}/{jobs} ({counts[(True, True)] / jobs:.1%}; target >= 98 %)")
    for subject, count in false.most_common(10):
        print(f"    {count:5d}  {subject}")


if __name__ == "__main__":
    main()
