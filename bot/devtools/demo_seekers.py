"""The demo work seekers' words (`python -m bot demo-data`): kinds of work, and how people talk about each factor,
in English and in French. Everyone is invented; pay figures, schedule and place terms are what the matching reads."""

from __future__ import annotations

from dataclasses import dataclass

# (rating, words) pairs; {n} is an hourly figure, {k} thousands a year, {h} hours a week, {y} years, {mo} months.
Words = tuple[tuple[str, str], ...]


# ---------------------------------------------------------------- work seekers, in English
@dataclass(frozen=True)
class Trade:
    """A kind of work sought: its names, the skills said about it and the hourly pay people in it ask for."""

    sought: tuple[str, ...]
    skills: Words
    pay: tuple[int, int]
    salaried: bool = False


SEEKER_TRADES = (
    Trade(
        ("Line cook", "Cook or kitchen helper", "Prep cook, days if I can"),
        (
            (
                "strength",
                "Strength: {y} years on the line, food safety certificate. I can run the grill on a busy Saturday.",
            ),
            ("both", "Bit of both. I can cook anything on the menu but I've never been a supervisor."),
            (
                "strength",
                "Knife skills, fast prep, I keep a clean station. I trained the new dishwashers at my last place.",
            ),
        ),
        (17, 21),
    ),
    Trade(
        ("Continuing care assistant", "Home support worker", "CCA, long-term care"),
        (
            (
                "strength",
                "CCA certificate, first aid and CPR. Patience with seniors, I looked after my mom for {y} years.",
            ),
            ("both", "I have the caring part, but my CCA course is not finished yet."),
            ("strength", "Personal care, meal prep, dementia training. Families tell me I'm calm."),
        ),
        (19, 24),
    ),
    Trade(
        ("Warehouse or shipping and receiving", "Forklift operator", "Warehouse, any shift"),
        (
            ("strength", "Forklift ticket, inventory, RF scanners. {y} years in a warehouse."),
            ("stressor", "Stressor. My forklift ticket ran out and jobs all want it current."),
            ("strength", "Picking and packing, I'm accurate and I can lift 50 lbs all day."),
        ),
        (18, 23),
    ),
    Trade(
        ("Store clerk or cashier", "Retail, hardware or grocery", "Cashier, part-time"),
        (
            ("strength", "Cash, customer service, stocking shelves. I'm good with people and I learn fast."),
            ("both", "I'm friendly and reliable, but I've only ever worked cash."),
            ("strength", "I know tools and paint from helping my dad. I like helping customers find things."),
        ),
        (16, 19),
    ),
    Trade(
        ("Office admin or reception", "Bookkeeping clerk", "Something in an office, not retail again"),
        (
            ("strength", "Excel, QuickBooks, scheduling, answering phones. I want to use my admin skills again."),
            ("both", "I ran an office for 20 years, but the software has all changed. Bit of both."),
            ("stressor", "Stressor. I have a degree but no Canadian experience, and every posting asks for it."),
        ),
        (19, 25),
        salaried=True,
    ),
    Trade(
        ("IT help desk", "Computer support, entry level", "Help desk or desktop support"),
        (
            ("strength", "CompTIA A+, fixing laptops, resetting passwords. I'm patient explaining things."),
            ("both", "Computer science degree from back home, but no job here yet. Mixed."),
            ("strength", "Windows, Office 365, networking basics. I volunteered at the library tech help table."),
        ),
        (21, 27),
        salaried=True,
    ),
    Trade(
        ("Early childhood educator", "Daycare assistant", "Working with kids"),
        (
            ("strength", "ECE level 1, first aid. I ran a home daycare for {y} years."),
            ("both", "Kids love me but I don't have my ECE yet. Bit of both."),
        ),
        (17, 22),
    ),
    Trade(
        ("Fish plant or processing", "Anything seasonal near the wharf", "Production line"),
        (
            ("strength", "Strength. Fast on the line, good with a knife, I've done {y} seasons at the plant."),
            ("both", "I know the work but my hands are sore after a full season."),
        ),
        (16, 20),
    ),
    Trade(
        ("Carpenter's helper or labourer", "Landscaping", "Construction labour"),
        (
            ("strength", "Framing, drywall, small engine repair. Class 5 licence and my own tools."),
            ("both", "I'm handy and strong, but no ticket in anything. Both."),
        ),
        (18, 24),
    ),
    Trade(
        ("Cleaning or housekeeping", "Hotel housekeeping", "Janitorial, evenings"),
        (
            ("strength", "I'm thorough and quick. {y} years cleaning offices and a hotel."),
            ("both", "I know cleaning well, my English for the paperwork less so."),
        ),
        (16, 19),
    ),
    Trade(
        ("Delivery driver", "Driver, class 5", "Driving job"),
        (
            ("strength", "Clean abstract, class 5, I know the whole city. I used to deliver for a pharmacy."),
            ("both", "Good driver, but I get lost without GPS. Both I guess."),
        ),
        (18, 22),
    ),
)

SEEKER_CAPACITY: Words = (
    ("strength", "Full-time, 40 hours is fine. I like to keep busy."),
    ("stressor", "I burned out at my last job. I want a steady pace, not three people's work."),
    ("both", "I can do about {h} hours a week. More than that and my back acts up."),
    ("stressor", "I've been out of work {mo} months, so I'm nervous about keeping up at first."),
    ("strength", "I was bored in my last job. I want something that makes me think."),
    ("unsure", "Not sure. I've been home with my kids for {y} years and don't know what I can handle yet."),
    ("both", "Part-time to start, maybe 25 hours, then more once I find my feet."),
    ("stressor", "Survival jobs back to back wore me out. I need one job, not two."),
)
SEEKER_PAY: Words = (
    ("stressor", "I need at least ${n}/hr to cover rent. Benefits would help a lot."),
    ("strength", "At least ${n}/hr. I know what the job is worth."),
    ("both", "${n} an hour minimum, and a health plan because of my prescriptions."),
    ("stressor", "I made more before, but now I need at least ${n}/hr."),
    ("unsure", "Not sure what's fair anymore. Sick pay matters more to me than a dollar more."),
    ("stressor", "Minimum ${n}/hr. Daycare eats half my pay."),
    ("strength", "Anything over ${n}/hr is fine, I live cheap. Dental would be nice."),
)
SEEKER_SALARY: Words = (
    ("strength", "{k}k a year or more, with a health plan."),
    ("both", "I'd like {k}k a year. I took less at my last job and regretted it."),
)
SEEKER_ARRANGEMENTS: Words = (
    ("strength", "Days only, Monday to Friday. I'm on the bus line."),
    ("stressor", "No nights. The bus stops at 6 so I need to be done by 5:30."),
    ("strength", "Weekends ok, evenings ok. I drive."),
    ("both", "Full-time, days. I don't drive, so it has to be on the bus line."),
    ("stressor", "Part-time, weekdays only, while my kids are in school."),
    ("strength", "I'd like to work from home, or hybrid with 2 days in the office."),
    ("strength", "Any shift, nights too. I have my own car."),
    ("both", "Anything but nights. I can get a ride most days."),
    ("strength", "Seasonal is fine, I'm used to it. I drive."),
    ("stressor", "No weekends, I have my kids then. I take the bus."),
)
SEEKER_VALUES: Words = (
    ("strength", "Honesty. A boss who keeps their word and pays on time."),
    ("strength", "I want my work to help people, not just make numbers."),
    ("both", "Respect. My last job cut corners on safety and I won't do that again."),
    ("strength", "Family comes first. I need an employer who gets that."),
    ("unsure", "Hard to say. I just know I don't want to be treated like a number."),
    ("stressor", "Stressor. I've been let go twice with no reason given, so trust matters."),
)
SEEKER_CULTURE: Words = (
    ("stressor", "Past places felt cliquey. I want a team that says hello and answers questions."),
    ("strength", "Somewhere I can ask questions without feeling stupid. A manager who checks in the first weeks."),
    ("both", "I'm new to Canada and my English is still growing. I need patient coworkers."),
    ("strength", "Friendly, quiet, no yelling. I do my best work when I feel trusted."),
    ("stressor", "I have anxiety. A loud, rushed place makes it hard for me."),
    ("strength", "A team that eats lunch together. I like to belong somewhere."),
)
SEEKER_BARRIERS = (
    "No",
    "No, nothing right now.",
    "No car, and the bus doesn't run early on Sundays.",
    "Child care after school, 3 to 6.",
    "I'm couch surfing right now, looking for a place.",
    "I need a bus pass until my first pay.",
    "My licence is suspended until spring.",
    "My back. I can't stand all day.",
)
SEEKER_CLOSING = (
    "It helped me see pay is my real worry, not the work itself.",
    "I know what to ask for in an interview now.",
    "I can say what I need without feeling bad about it.",
    "Not much changed, but it was good to write it down.",
    "I realised I keep taking night jobs I hate. Days only from now on.",
    "It made me see my skills count even if they're not on paper.",
    "Clearer. I was applying to everything before.",
)
FIRST_NAMES = (
    "Sam", "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Pat", "Chris", "Robin", "Dana", "Terry",
    "Lee", "Priya", "Anil", "Fatima", "Amina", "Wei", "Ana", "Joseph", "Grace", "Tariq", "Nadia", "Kyle", "Brenda",
    "Darlene", "Wade", "Krista", "Trevor", "Shawna", "Omar", "Sita", "Rajesh", "Mei", "Hassan",
)  # fmt: skip
CONTACT_EN = (
    "{name}, {phone} after 3pm",
    "Text me at {phone}, any time",
    "{name}. Email {email} is best",
    "{name}, call {phone} mornings",
    "{name}. {phone} or {email}, weekdays",
    "{email} please, I don't always pick up",
)

# ---------------------------------------------------------------- work seekers, en français
SEEKER_TRADES_FR = (
    Trade(
        ("Cuisinier ou aide-cuisinier", "Cuisine, de jour"),
        (
            ("strength", "Cuisine, je peux former les nouveaux. J'ai mon certificat en salubrité."),
            ("both", "Un peu des deux. Je cuisine bien, mais j'ai jamais été chef d'équipe."),
        ),
        (17, 20),
    ),
    Trade(
        ("Préposée aux bénéficiaires", "Soins à domicile"),
        (("strength", "Soins aux aînés, premiers soins. Je suis patiente."),),
        (19, 23),
    ),
    Trade(
        ("Commis d'épicerie", "Caissière"),
        (("strength", "Service à la clientèle et caisse. {y} ans d'expérience."),),
        (16, 18),
    ),
    Trade(
        ("Travail de bureau", "Réception ou administration"),
        (("both", "Un peu des deux. J'ai un diplôme, mais pas d'expérience ici."),),
        (19, 24),
    ),
    Trade(
        ("Usine de poisson, saisonnier", "Transformation"),
        (("strength", "Force. Je travaille vite sur la ligne, {y} saisons à l'usine."),),
        (16, 19),
    ),
)


@dataclass(frozen=True)
class Voice:
    """How work seekers of one language talk about the factors beyond skills, and what else they say."""

    trades: tuple[Trade, ...]
    capacity: Words
    pay: Words
    salary: Words
    arrangements: Words
    values: Words
    culture: Words
    barriers: tuple[str, ...]
    closing: tuple[str, ...]
    names: tuple[str, ...]
    contacts: tuple[str, ...]


VOICES = {
    "en": Voice(
        SEEKER_TRADES,
        SEEKER_CAPACITY,
        SEEKER_PAY,
        SEEKER_SALARY,
        SEEKER_ARRANGEMENTS,
        SEEKER_VALUES,
        SEEKER_CULTURE,
        SEEKER_BARRIERS,
        SEEKER_CLOSING,
        FIRST_NAMES,
        CONTACT_EN,
    ),
    "fr": Voice(
        SEEKER_TRADES_FR,
        capacity=(
            ("both", "Environ {h} heures par semaine, pas au point de m'épuiser encore."),
            ("strength", "Je peux suivre un rythme rapide, j'aime être occupée."),
            ("unsure", "Je sais pas. Ça fait {mo} mois que je travaille pas."),
        ),
        pay=(
            ("stressor", "Au moins {n} $ de l'heure, avec des assurances."),
            ("strength", "J'ai besoin de {n} $ de l'heure minimum, c'est raisonnable."),
            ("unsure", "Je sais pas trop, mais des congés de maladie payés."),
        ),
        salary=(("strength", "{k} 000 $ par année, c'est mon minimum."),),
        arrangements=(
            ("strength", "De jour seulement, pas de nuits. Je prends l'autobus."),
            ("stressor", "Temps partiel, en semaine, proche de chez moi."),
            ("strength", "Temps plein, pas de fins de semaine. J'ai mon char."),
            ("both", "Télétravail ou hybride, j'ai pas de char."),
        ),
        values=(
            ("strength", "L'honnêteté, être traité équitablement."),
            ("strength", "Le respect et un patron qui tient parole."),
            ("both", "Pouvoir travailler en français, au moins un peu."),
        ),
        culture=(
            ("strength", "Une équipe qui dit bonjour et répond aux questions."),
            ("stressor", "Mes anciens milieux étaient froids. Je veux poser des questions sans me sentir jugée."),
        ),
        barriers=(
            "Non",
            "Non, ça va.",
            "J'ai pas de char, pis l'autobus passe pas le dimanche.",
            "La garderie après l'école.",
        ),
        closing=(
            "Ça m'a aidée à voir ce que je veux vraiment.",
            "Je sais mieux quoi demander en entrevue.",
            "Pas grand-chose de nouveau, mais c'est bon de l'écrire.",
        ),
        names=("Mireille", "Réjean", "Ginette", "Luc", "Nathalie", "Yvon", "Chantal", "Gilles"),
        contacts=("{name}, {phone} après 15 h", "Textez-moi au {phone}", "{name}. Courriel : {email}"),
    ),
}
