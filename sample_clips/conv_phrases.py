"""What the voices of the conversation corpus say (all written for it).

Short infant-directed phrases (including imitations of the baby's own
sounds, as parents do), soothing words for a crying baby, talk between the
adults, a big sister's or brother's talk with the parent, and a television's
news-like sentences; English and French.
"""

from __future__ import annotations

from typing import Final

# Short things said to a baby (the parent's bids and answers).
TO_BABY: Final = (
    "Hello, little one!",
    "Are you telling me a story?",
    "Oh, is that so?",
    "What a clever baby!",
    "You found your toes!",
    "Look at the duck!",
    "Yes, that's right!",
    "Can you say that again?",
    "Who's a happy baby?",
    "Peekaboo!",
    "Oh wow, really?",
    "I can hear you.",
    "Tell me more!",
    "Is that your ball?",
    "Uh oh, it fell down!",
    "Good morning, sunshine!",
    "Shall we sing a song?",
    "You are so chatty today.",
    "Where's Mummy? Here I am!",
    "Mm hm, yes!",
    "Ooh, big stretch!",
    "Are you hungry?",
    "That's a funny noise.",
    "There you are!",
    "Ba ba ba, is that what you said?",
    "Do you like the blue one?",
    "Clap, clap, clap!",
    "Is it bath time soon?",
    # Imitating the baby's sounds back, at the baby's pitch.
    "Ooooh!",
    "Aaah!",
    "Ba ba ba!",
    "Ah goo!",
    "Oh!",
)
# Said to a crying baby.
SOOTHING: Final = (
    "Shh, shh, it's okay.",
    "I know, I know.",
    "I'm here, I'm here.",
    "There, there, little one.",
    "Come here, let's have a cuddle.",
    "Oh dear, what's wrong?",
    "Nearly done, nearly done.",
)
# Said between the adults, not to the baby.
BETWEEN_ADULTS: Final = (
    "Did you call the doctor about Tuesday?",
    "I think we need more milk.",
    "Can you pass me that towel?",
    "She didn't sleep much last night.",
    "What time is your sister coming over?",
    "The washing machine is making that noise again.",
    "I'll put the kettle on.",
    "Have you seen my keys anywhere?",
    "It's meant to rain all weekend.",
    "No, I paid it yesterday.",
    "Do you want tea or coffee?",
    "Maybe after lunch.",
    "I'll ring them in the morning.",
    "That's fine by me.",
    "Where did you put the car seat?",
)
# The same three kinds of talk in French, for a French-speaking family.
TO_BABY_FR: Final = (
    "Coucou, mon bébé!",
    "Tu me racontes une histoire?",
    "Ah bon, c'est vrai?",
    "Oh, qu'il est malin!",
    "Regarde le canard!",
    "Oui, c'est ça!",
    "Tu peux le redire?",
    "Il est où, le nounours?",
    "Oh là là, c'est tombé!",
    "Bonjour, mon petit soleil!",
    "On chante une chanson?",
    "Tu es bavard aujourd'hui!",
    "Coucou, me voilà!",
    "Tu as faim?",
    "Quel drôle de bruit!",
    "Bravo, mon chéri!",
    "Ooooh!",
    "Aaah!",
    "Ba ba ba!",
)
SOOTHING_FR: Final = (
    "Chut, chut, ça va aller.",
    "Je sais, je sais.",
    "Maman est là.",
    "Viens faire un câlin.",
)
BETWEEN_ADULTS_FR: Final = (
    "Tu as appelé le médecin?",
    "Il n'y a plus de lait.",
    "Tu me passes la serviette?",
    "Elle n'a pas beaucoup dormi.",
    "Je vais faire du thé.",
    "Tu as vu mes clés?",
)
# What the television says, by espeak language.
TELEVISION: Final = {
    "en": (
        "In tonight's programme we look at the new bridge across the river, which opened "
        "to traffic this morning after three years of work.",
        "Temperatures will fall overnight, with frost in sheltered valleys and a bright, "
        "cold start tomorrow.",
        "The council says the library will stay open on Saturdays until the end of the year.",
        "And now, the scores from this afternoon's matches.",
        "Our reporter spoke to families who have lived on the street for forty years.",
        "After the break, a recipe for a quick vegetable soup that children will eat.",
    ),
    "de": (
        "Guten Abend, meine Damen und Herren, hier sind die Nachrichten des Tages.",
        "Morgen wird es im Norden wolkig, im Süden bleibt es weitgehend trocken.",
        "Die neue Brücke über den Fluss wurde heute Morgen für den Verkehr freigegeben.",
        "Und jetzt zum Sport: die Ergebnisse vom Nachmittag.",
    ),
}


# A young sibling talking to the parent, and the parent's answers to them.
SIBLING: Final = (
    "Mummy, look at my drawing!",
    "Can I have a biscuit?",
    "Why is the baby making that noise?",
    "I want to hold her!",
    "Where's my dinosaur?",
    "Can we go to the park?",
    "He took my car!",
    "I'm hungry.",
    "Look, I can jump!",
)
TO_SIBLING: Final = (
    "In a minute, darling.",
    "Wow, that's lovely!",
    "After dinner.",
    "Be gentle with her.",
    "It's under the sofa.",
    "Maybe tomorrow.",
    "Say sorry to your brother.",
)

# Each language's (to the baby, soothing, between adults).
TALK: Final = {
    "en": (TO_BABY, SOOTHING, BETWEEN_ADULTS),
    "fr": (TO_BABY_FR, SOOTHING_FR, BETWEEN_ADULTS_FR),
}
