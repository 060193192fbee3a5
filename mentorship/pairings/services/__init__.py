"""Every write to pairings, milestones and matching, split by meaning:

- ``lifecycle``: the pairing state machine (propose, activate, pause,
  resume, complete, end), the hard rules and the capacity lock, the end of a
  pairing (feedback, the outcome);
- ``milestones``: the plan copied onto a pairing, and what the pair does to
  its steps (done, skipped, reopened, snoozed, from an email link);
- ``matching``: matching runs, proposals, approvals, a mentee's request;
- ``change_requests``: the pair asking the program's admins to pause or end.
"""
