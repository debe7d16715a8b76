"""German names, towns and companies for the synthetic CRM world.

The lists are written out here (no Faker) so that generated data never changes
with a library version. Each list is a tuple of ``(value, weight)`` pairs; the
weights make common names common, so that several real customers share a name
such as "Thomas Müller" and record linkage is not trivial.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FEMALE_FIRST",
    "MALE_FIRST",
    "SURNAMES",
    "TOWNS",
    "NICKNAMES",
    "EMAIL_PROVIDERS",
    "COMPANY_PATTERNS",
    "INDUSTRIES",
    "transliterate",
    "strip_umlauts",
    "weights",
]

# (first name, relative frequency)
FEMALE_FIRST = (
    ("Sabine", 9), ("Petra", 8), ("Andrea", 9), ("Claudia", 7), ("Susanne", 8),
    ("Monika", 6), ("Birgit", 6), ("Stefanie", 7), ("Julia", 10), ("Anna", 10),
    ("Katharina", 8), ("Christina", 6), ("Nicole", 7), ("Melanie", 6), ("Sandra", 7),
    ("Kerstin", 5), ("Bärbel", 4), ("Ursula", 5), ("Renate", 5),
    ("Gisela", 4), ("Heike", 6), ("Martina", 6), ("Anja", 6), ("Daniela", 6),
    ("Lena", 8), ("Laura", 8), ("Lea", 7), ("Sophie", 8), ("Marie", 9),
    ("Hannah", 8), ("Johanna", 6), ("Charlotte", 5), ("Emma", 6), ("Mia", 5),
    ("Franziska", 5), ("Kathrin", 5), ("Jessica", 5), ("Vanessa", 4), ("Jana", 5),
    ("Christiane", 4), ("Gabriele", 6), ("Elisabeth", 5), ("Brigitte", 5), ("Karin", 6),
    ("Ingrid", 4), ("Helga", 4), ("Maren", 3), ("Silke", 4),
    ("Antje", 3), ("Dörte", 2), ("Jutta", 4), ("Ute", 4), ("Annette", 4),
    ("Carolin", 4), ("Svenja", 3), ("Tanja", 4), ("Simone", 5), ("Manuela", 4),
    ("Doris", 3), ("Hildegard", 2), ("Margarete", 2), ("Lisa", 7), ("Sarah", 7),
    ("Alexandra", 5), ("Friederike", 2), ("Larissa", 2), ("Zoë", 1), ("Jülide", 1),
)

MALE_FIRST = (
    ("Thomas", 14), ("Michael", 13), ("Andreas", 11), ("Stefan", 10), ("Peter", 8),
    ("Jürgen", 7), ("Jörg", 6), ("Klaus", 6), ("Frank", 7), ("Markus", 8),
    ("Christian", 9), ("Alexander", 8), ("Daniel", 8), ("Tobias", 7), ("Sebastian", 7),
    ("Johannes", 6), ("Matthias", 7), ("Martin", 8), ("Wolfgang", 6), ("Uwe", 5),
    ("Dieter", 4), ("Günter", 4), ("Horst", 3), ("Bernd", 5), ("Ralf", 5),
    ("Holger", 4), ("Sven", 5), ("Torsten", 4), ("Dirk", 5), ("Jens", 5),
    ("Lukas", 8), ("Jonas", 7), ("Leon", 6), ("Felix", 7), ("Maximilian", 7),
    ("Paul", 6), ("Finn", 5), ("Niklas", 6), ("Jan", 7), ("Tim", 6),
    ("Florian", 6), ("Philipp", 6), ("Benedikt", 3), ("Moritz", 4), ("Björn", 3),
    ("Jörn", 2), ("Sören", 2), ("Bernhard", 3), ("Karl-Heinz", 3), ("Hans", 4),
    ("Heinz", 3), ("Werner", 4), ("Helmut", 3), ("Manfred", 3), ("Rüdiger", 2),
    ("Kai", 4), ("Oliver", 6), ("Patrick", 5), ("Dominik", 4), ("Marcel", 4),
    ("David", 5), ("Elias", 4), ("Noah", 3), ("Emil", 3), ("Konstantin", 2),
)

SURNAMES = (
    ("Müller", 30), ("Schmidt", 25), ("Schneider", 16), ("Fischer", 15), ("Weber", 14),
    ("Meyer", 13), ("Wagner", 12), ("Becker", 11), ("Schulz", 11), ("Hoffmann", 11),
    ("Schäfer", 9), ("Koch", 9), ("Bauer", 9), ("Richter", 8), ("Klein", 8),
    ("Wolf", 8), ("Schröder", 8), ("Neumann", 8), ("Schwarz", 7), ("Zimmermann", 7),
    ("Braun", 7), ("Krüger", 7), ("Hofmann", 7), ("Hartmann", 7), ("Lange", 6),
    ("Schmitt", 6), ("Werner", 6), ("Schmitz", 6), ("Krause", 6), ("Meier", 6),
    ("Lehmann", 6), ("Schmid", 5), ("Schulze", 5), ("Maier", 5), ("Köhler", 5),
    ("Herrmann", 5), ("König", 5), ("Walter", 5), ("Mayer", 5), ("Huber", 5),
    ("Kaiser", 4), ("Fuchs", 4), ("Peters", 4), ("Lang", 4), ("Scholz", 4),
    ("Möller", 4), ("Weiß", 4), ("Jung", 4), ("Hahn", 4), ("Schubert", 4),
    ("Vogel", 4), ("Friedrich", 4), ("Keller", 4), ("Günther", 4), ("Frank", 4),
    ("Berger", 4), ("Winkler", 3), ("Roth", 3), ("Beck", 3), ("Lorenz", 3),
    ("Baumann", 3), ("Franke", 3), ("Albrecht", 3), ("Schuster", 3), ("Simon", 3),
    ("Ludwig", 3), ("Böhm", 3), ("Winter", 3), ("Kraus", 3), ("Martin", 3),
    ("Schumacher", 3), ("Krämer", 3), ("Vogt", 3), ("Stein", 3), ("Jäger", 3),
    ("Otto", 3), ("Sommer", 3), ("Groß", 3), ("Seidel", 3), ("Heinrich", 3),
    ("Brandt", 3), ("Haas", 3), ("Schreiber", 3), ("Graf", 3), ("Schulte", 3),
    ("Dietrich", 3), ("Ziegler", 3), ("Kuhn", 3), ("Kühn", 3), ("Pohl", 3),
    ("Engel", 3), ("Horn", 3), ("Busch", 3), ("Bergmann", 3), ("Thomas", 3),
    ("Voigt", 3), ("Sauer", 3), ("Arnold", 3), ("Wolff", 3), ("Pfeiffer", 3),
    ("Weiss", 2), ("Müller-Lüdenscheidt", 1), ("Größer", 1), ("Jürgens", 2), ("Bäcker", 2),
    ("Förster", 2), ("Gärtner", 2), ("Kößler", 1), ("Nüßlein", 1), ("Thüringer", 1),
    ("Süß", 2), ("Strauß", 2), ("Kröger", 2), ("Lübke", 1), ("Dörr", 2),
    ("Öztürk", 2), ("Yılmaz", 2), ("Kowalski", 2), ("Nowak", 2), ("Schäfers", 1),
)

# (town, postcodes, relative population weight). Each postcode belongs to its town.
TOWNS = (
    ("Berlin", ("10115", "10247", "10437", "12043", "13353"), 36),
    ("Hamburg", ("20095", "20357", "22041", "22761"), 19),
    ("München", ("80331", "80469", "80797", "81541", "81671"), 15),
    ("Köln", ("50667", "50733", "50823", "51063"), 11),
    ("Frankfurt am Main", ("60311", "60385", "60594"), 8),
    ("Stuttgart", ("70173", "70190", "70372"), 6),
    ("Düsseldorf", ("40210", "40477", "40545"), 6),
    ("Leipzig", ("04103", "04277", "04315"), 6),
    ("Dortmund", ("44135", "44139"), 6),
    ("Essen", ("45127", "45131"), 6),
    ("Bremen", ("28195", "28203"), 6),
    ("Dresden", ("01067", "01099", "01309"), 6),
    ("Hannover", ("30159", "30161", "30451"), 5),
    ("Nürnberg", ("90402", "90429"), 5),
    ("Duisburg", ("47051",), 5),
    ("Bochum", ("44787",), 4),
    ("Wuppertal", ("42103",), 4),
    ("Bielefeld", ("33602",), 3),
    ("Bonn", ("53111", "53115"), 3),
    ("Münster", ("48143", "48149"), 3),
    ("Mannheim", ("68159",), 3),
    ("Karlsruhe", ("76133",), 3),
    ("Augsburg", ("86150",), 3),
    ("Wiesbaden", ("65183",), 3),
    ("Mönchengladbach", ("41061",), 3),
    ("Gelsenkirchen", ("45879",), 3),
    ("Aachen", ("52062",), 2),
    ("Braunschweig", ("38100",), 2),
    ("Kiel", ("24103",), 2),
    ("Chemnitz", ("09111",), 2),
    ("Halle (Saale)", ("06108",), 2),
    ("Magdeburg", ("39104",), 2),
    ("Freiburg im Breisgau", ("79098", "79102"), 2),
    ("Krefeld", ("47798",), 2),
    ("Mainz", ("55116",), 2),
    ("Lübeck", ("23552",), 2),
    ("Erfurt", ("99084",), 2),
    ("Rostock", ("18055",), 2),
    ("Kassel", ("34117",), 2),
    ("Saarbrücken", ("66111",), 2),
    ("Potsdam", ("14467",), 2),
    ("Osnabrück", ("49074",), 2),
    ("Oldenburg", ("26122",), 2),
    ("Heidelberg", ("69117",), 2),
    ("Darmstadt", ("64283",), 2),
    ("Regensburg", ("93047",), 2),
    ("Würzburg", ("97070",), 2),
    ("Göttingen", ("37073",), 1),
    ("Fürth", ("90762",), 1),
    ("Lüneburg", ("21335",), 1),
    ("Tübingen", ("72070",), 1),
    ("Gütersloh", ("33330",), 1),
    ("Jena", ("07743",), 1),
    ("Ulm", ("89073",), 1),
    ("Bamberg", ("96047",), 1),
    ("Bayreuth", ("95444",), 1),
    ("Garmisch-Partenkirchen", ("82467",), 1),
    ("Füssen", ("87629",), 1),
    ("Oberstdorf", ("87561",), 1),
    ("Lörrach", ("79539",), 1),
    ("Görlitz", ("02826",), 1),
    ("Überlingen", ("88662",), 1),
    ("Königswinter", ("53639",), 1),
    ("Schwäbisch Hall", ("74523",), 1),
    ("Mühlheim am Main", ("63165",), 1),
    ("Celle", ("29221",), 1),
    ("Flensburg", ("24937",), 1),
    ("Husum", ("25813",), 1),
    ("Wernigerode", ("38855",), 1),
    ("Zwickau", ("08056",), 1),
)

NICKNAMES = {
    "Katharina": ("Kathi", "Katha"),
    "Thomas": ("Tom", "Tommy"),
    "Johannes": ("Hannes", "Jo"),
    "Alexander": ("Alex",),
    "Alexandra": ("Alex",),
    "Michael": ("Micha", "Michi"),
    "Christian": ("Chris",),
    "Christina": ("Tina",),
    "Stefanie": ("Steffi",),
    "Elisabeth": ("Lisa", "Elli"),
    "Maximilian": ("Max",),
    "Sebastian": ("Basti",),
    "Tobias": ("Tobi",),
    "Franziska": ("Franzi",),
    "Daniela": ("Dani",),
    "Matthias": ("Matze",),
    "Benedikt": ("Bene",),
    "Gabriele": ("Gabi",),
    "Susanne": ("Susi",),
    "Florian": ("Flo",),
    "Karl-Heinz": ("Kalle",),
    "Margarete": ("Grete",),
    "Friederike": ("Frieda",),
    "Konstantin": ("Konni",),
}

# (provider domain, share)
EMAIL_PROVIDERS = (
    ("web.de", 26), ("gmx.de", 24), ("t-online.de", 16), ("gmail.com", 22),
    ("posteo.de", 4), ("outlook.de", 5), ("freenet.de", 3),
)

INDUSTRIES = (
    "Logistik", "Arztpraxis", "Steuerberatung", "Öffentliche Verwaltung", "Handwerk",
    "Einzelhandel", "IT-Dienstleistung", "Rechtsanwälte", "Bildung", "Immobilien",
    "Versicherung", "Gastronomie",
)

# For each industry: name patterns; {last} = surname, {town} = town.
COMPANY_PATTERNS = {
    "Logistik": ("{last} Logistik GmbH", "Spedition {last} GmbH & Co. KG", "{last} Transporte KG"),
    "Arztpraxis": ("Praxis Dr. {last}", "Zahnarztpraxis Dr. {last}", "MVZ {town}"),
    "Steuerberatung": ("Steuerberatung {last}", "{last} & Partner Steuerberater mbB"),
    "Öffentliche Verwaltung": ("Stadtwerke {town}", "Stadtverwaltung {town}", "Landratsamt {town}"),
    "Handwerk": ("{last} Haustechnik GmbH", "Tischlerei {last}", "Elektro {last} GmbH"),
    "Einzelhandel": ("{last} Moden e.K.", "Buchhandlung {last}", "Fahrradladen {last}"),
    "IT-Dienstleistung": ("{last} IT-Systeme GmbH", "Nordlicht Software {last} GmbH",
                          "{last} Digital GmbH"),
    "Rechtsanwälte": ("Kanzlei {last}", "{last} & Kollegen Rechtsanwälte"),
    "Bildung": ("Volkshochschule {town}", "Gymnasium {town}-Mitte", "Fahrschule {last}"),
    "Immobilien": ("{last} Immobilien GmbH", "Hausverwaltung {last}"),
    "Versicherung": ("Versicherungsbüro {last}", "{last} Finanz- und Versicherungsmakler GmbH"),
    "Gastronomie": ("Hotel {last}", "Gasthaus {last}", "Café {last}"),
}

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                           "Ü": "Ue", "ı": "i", "ë": "e"})
_STRIP = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "Ä": "A", "Ö": "O", "Ü": "U",
                        "ı": "i", "ë": "e"})


def transliterate(text: str) -> str:
    """Write umlauts and ß the German way without them.

    >>> transliterate("Jürgen Weiß")
    'Juergen Weiss'
    """
    return text.translate(_TRANSLIT)


def strip_umlauts(text: str) -> str:
    """Drop the umlaut dots (a careless spelling).

    >>> strip_umlauts("Müller")
    'Muller'
    """
    return text.translate(_STRIP)


def weights(pairs) -> np.ndarray:
    """Normalised weights of a ``(value, weight, ...)`` list.

    >>> float(weights((("a", 1), ("b", 3)))[1])
    0.75
    """
    w = np.array([p[-1] for p in pairs], dtype=float)
    return w / w.sum()
