"""The words of the demo company: names, places, and what people write in
check-ins. Kept apart from the code that builds it."""

from __future__ import annotations

DEMO_PASSWORD = "scaffold-demo-2026"  # noqa: S105 -- published in the README on purpose
HR_EMAIL = "hr@example.com"
MENTOR_EMAIL = "mentor@example.com"
MENTEE_EMAIL = "mentee@example.com"
DEMO_LOGINS = (
    (HR_EMAIL, "program admin / HR (also a Django admin superuser)"),
    (MENTOR_EMAIL, "mentor"),
    (MENTEE_EMAIL, "new manager, paired with the mentor"),
)

# Department → (time zones its people work in, the head's title)
DEPARTMENTS: dict[str, tuple[list[str], str]] = {
    "Engineering": (["America/New_York", "Europe/Berlin", "Asia/Kolkata"], "VP Engineering"),
    "Product & Design": (["Europe/Berlin", "Europe/London", "America/New_York"], "VP Product"),
    "Sales": (["America/Chicago", "Europe/London", "Australia/Sydney"], "VP Sales"),
    "Customer Success": (
        ["America/Sao_Paulo", "Europe/Lisbon", "Asia/Singapore"],
        "Head of Customer Success",
    ),
    "Operations": (["Europe/Dublin", "Asia/Kolkata", "America/Toronto"], "Head of Operations"),
    "People": (["Europe/Berlin", "America/New_York"], "Head of People"),
}

# Titles by level and department: (experienced manager, new manager, individual contributor)
TITLES: dict[str, tuple[str, str, str]] = {
    "Engineering": ("Director of Engineering", "Engineering Manager", "Software Engineer"),
    "Product & Design": ("Director of Product", "Design Manager", "Product Designer"),
    "Sales": ("Sales Director", "Sales Team Lead", "Account Executive"),
    "Customer Success": (
        "Director of Customer Success",
        "Support Team Lead",
        "Customer Success Manager",
    ),
    "Operations": ("Director of Operations", "Operations Team Lead", "Operations Analyst"),
    "People": ("People Partner Lead", "Recruiting Lead", "People Partner"),
}

FIRST_NAMES = [
    "Aisha",
    "Bruno",
    "Chen",
    "Dara",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Luca",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tariq",
    "Uma",
    "Viktor",
    "Wanjiru",
    "Xavier",
    "Yara",
    "Zoltan",
    "Amara",
    "Bilal",
    "Camila",
    "Dmitri",
    "Esther",
    "Felix",
    "Gabriela",
    "Hamza",
    "Isla",
    "Jae",
    "Kofi",
    "Lena",
    "Mateo",
    "Noor",
    "Olu",
    "Paloma",
    "Rohan",
    "Sana",
    "Tomas",
    "Ulla",
    "Vera",
    "Wei",
    "Yusuf",
    "Zanele",
    "Anika",
    "Bastian",
    "Carmen",
    "Dev",
    "Emeka",
    "Freya",
    "Goran",
    "Hana",
]

LAST_NAMES = [
    "Abara",
    "Becker",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopes",
    "Mendes",
    "Nakamura",
    "Oyelaran",
    "Petrov",
    "Quintero",
    "Rahman",
    "Santos",
    "Tanaka",
    "Usman",
    "Varga",
    "Wagner",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Adeyemi",
    "Bianchi",
    "Chowdhury",
    "Delgado",
    "Engel",
    "Ferreira",
    "Garcia",
    "Hoffmann",
    "Iyer",
    "Jovanovic",
    "Kim",
    "Lindqvist",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Pereira",
    "Rossi",
    "Schmidt",
    "Takahashi",
    "Vasquez",
    "Weber",
    "Yamamoto",
    "Ziegler",
    "Osei",
    "Kaur",
    "Novak",
    "Murphy",
    "Silva",
    "Kapoor",
    "Meyer",
    "Sato",
    "Costa",
]

# What a pair writes in shared notes, by topic (competency slug).
SHARED_NOTES: dict[str, list[str]] = {
    "coaching-and-feedback": [
        "Went through the first round of 1:1s. Two people asked for more frequent feedback; "
        "agreed to try a 5-minute feedback slot at the end of each 1:1.",
        "Practised the situation-behaviour-impact format on a real example from last week's "
        "incident review.",
    ],
    "prioritization-and-delegation": [
        "Listed everything still on your plate: 11 items, 6 of them could be someone else's. "
        "Picked two to hand over this week.",
        "Talked through the urge to jump back into the code when the team is slow. Agreed a "
        "rule: pair, don't take over.",
    ],
    "conflict-resolution": [
        "Prepared the conversation about missed deadlines: open with the observation, ask "
        "before telling, agree a next step together.",
        "Debriefed the disagreement between the two seniors. Next time, bring them together "
        "earlier instead of relaying messages.",
    ],
    "organizational-design": [
        "Sketched who decides what on the team. Releases wait on you for approvals nobody "
        "needs; propose moving that to the on-call engineer.",
    ],
    "hiring-and-team-building": [
        "Reviewed the role description for the open position; rewrote the must-haves to four "
        "and added a structured scorecard.",
    ],
    "performance-management": [
        "Read last cycle's reviews together. One expectation was never written down; agreed to "
        "do that in the next 1:1.",
    ],
    "stakeholder-management": [
        "Mapped stakeholders: product and support are the two that feel the team's delays "
        "first. Set up a fortnightly 20-minute sync with each.",
    ],
    "managing-former-peers": [
        "The reset conversations with former peers went better than feared. One is still "
        "testing boundaries in meetings; agreed how to handle it.",
    ],
}

# Only their authors ever see these: each side writes its own kind.
MENTEE_PRIVATE_NOTES = [
    "I miss the days when I could point at something I built. Not sure yet if that feeling fades.",
    "Felt out of my depth in the planning meeting. Ask how they handled their first quarter.",
    "Noticing I avoid the 1:1 with my old teammate. Need to face it.",
]
MENTOR_PRIVATE_NOTES = [
    "Mentee seems stretched thin; ask next time how the evenings look.",
    "Strong progress on delegation. Hold back from giving answers next session.",
]

ACTION_ITEMS = [
    "Write down the three outcomes the team is judged on this quarter",
    "Hand over the billing service on-call to a teammate",
    "Ask each report how they prefer to receive feedback",
    "Book the skip-level with the VP",
    "Draft the decision-rights table for the team",
    "Prepare the opening sentence for the difficult conversation",
    "Share the stakeholder map with the product lead",
    "Try one meeting-free afternoon a week for deep work",
]

REFLECTIONS = [
    "I want to make the team around me better than I could ever be alone. I'm also scared I "
    "took this because it looked like the only way up.",
    "Honestly, because nobody else wanted it. I want to find out whether I actually like it.",
    "I've had great managers and one terrible one. I want to be the first kind for people.",
]

# What a new manager's reports write in a round of upward feedback.
UPWARD_KEEP = [
    "Our 1:1s: you listen, and you follow up on what we talked about.",
    "Saying clearly what matters this week and what can wait.",
    "Taking the heat from other teams so we can get on with the work.",
    "Asking what I think before deciding.",
    "The written feedback after the launch was specific and useful.",
]
UPWARD_CHANGE = [
    "Let us finish our own pull requests; jumping in to fix them feels like distrust.",
    "Tell us earlier when priorities shift upstream.",
    "Fewer status meetings; we can write updates.",
    "Cancelling 1:1s when things get busy is exactly when we need them.",
    "Say no to some requests instead of taking them all on for the team.",
]

# What line managers write down with their new managers: (success at 90
# days, decisions that are now theirs, individual work handed off).
AGREEMENTS = [
    (
        "The team plans its own sprint without you in the room, and two people can say why "
        "this quarter's goals matter.",
        "Who works on what within the sprint; hiring decisions for your team, with me as "
        "a second opinion; saying no to requests that do not fit the quarter.",
        "The payments migration, to Ravi; your on-call slot, to the rotation.",
    ),
    (
        "Every report has had a growth conversation and knows what they are working on; "
        "the weekly status meeting is gone or runs without you.",
        "The order of the backlog; how the team runs its rituals; small budget requests.",
        "Code reviews for the API, to the two seniors; the vendor calls, to Mei.",
    ),
    (
        "You have had the difficult conversation you are putting off, and the team's "
        "delivery has not dipped while you stepped out of the code.",
        "Which incidents get a review; who represents the team in planning.",
        "Your feature work on search, to Tom, with a handover document.",
    ),
]

PAUSE_REASON = "Parental leave for six weeks; the pair will pick up again afterwards."
END_REASON = (
    "After two months the mentee decided to return to the staff engineer track, which the "
    "program counts as a good outcome."
)
