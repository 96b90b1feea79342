"""The company-name and domain keys (prm.companies): a table of names and domains, and the rules behind it."""

import socket

import pytest
from cleanco import basename

from prm import companies
from prm.companies import company_key, evidence_domain, is_no_evidence_domain, registrable_domain

NAME_KEYS = [
    # legal forms at the end, as cleanco knows them (one and several; with and without dots)
    ("Siemens GmbH & Co. KG", "siemens"),
    ("Müller GmbH", "muller"),
    ("Nestlé S.A.", "nestle"),
    ("Fiat S.p.A.", "fiat"),
    ("Acme Ltd.", "acme"),
    ("Acme Limited", "acme"),
    ("Apple Inc.", "apple"),
    ("ACME, Inc.", "acme"),
    ("Acme Incorporated", "acme"),
    ("Foo LLC", "foo"),
    ("Philips B.V.", "philips"),
    ("BASF AG", "basf"),
    ("Société Générale SARL", "societe generale"),
    ("Woolworths Pty Ltd", "woolworths"),
    ("Acme Pte. Ltd.", "acme"),
    ("Toyota K.K.", "toyota"),
    ("Acme sp. z o.o.", "acme"),
    ("Acme S.r.l.", "acme"),
    ("Acme A/S", "acme"),
    ("Acme Oy", "acme"),
    ("Acme plc", "acme"),
    ("Sony Corporation", "sony"),
    # two legal forms one after the other: cleanco takes one pass, the key repeats it
    ("Acme Co., Ltd.", "acme"),
    ("The Acme Company", "acme"),
    # legal forms in front
    ("AB Volvo", "volvo"),
    ("ООО Ромашка", "romashka"),
    # CJK legal forms, written without spaces, and transliteration
    ("株式会社トヨタ", "toyota"),
    ("トヨタ株式会社", "toyota"),
    ("Ромашка", "romashka"),
    ("Ελληνικά Πετρέλαια", "ellinika petrelaia"),
    # case, accents, punctuation, whitespace
    ("  ACME   GMBH ", "acme"),
    ("Crédit Agricole S.A.", "credit agricole"),
    ("Hewlett-Packard", "hewlett packard"),
    ("Hewlett  Packard\tEnterprise", "hewlett packard enterprise"),
    ("A.B.C. Corp.", "abc"),
    ("O'Neil's Bar", "oneils bar"),
    # & + and und et
    ("Procter & Gamble Co.", "procter and gamble"),
    ("Procter and Gamble", "procter and gamble"),
    ("Johnson+Johnson", "johnson and johnson"),
    ("Müller und Söhne", "muller and sohne"),
    ("Moët et Chandon", "moet and chandon"),
    ("AT&T Inc.", "at and t"),
    ("Canal+", "canal"),
    ("Ben & Jerry's", "ben and jerrys"),
    # a name that is all legal form keeps its folded words; a blank name has no key
    ("GmbH", "gmbh"),
    ("Ltd. Inc.", "ltd inc"),
    ("&", "&"),
    ("The", "the"),
    ("", ""),
    ("   ", ""),
    (None, ""),
]


@pytest.mark.parametrize(("name", "key"), NAME_KEYS)
def test_company_key(name, key):
    assert company_key(name) == key


def test_a_key_is_at_most_200_characters_though_transliteration_makes_it_longer():
    name = "東京電力" * 50  # 200 characters; each is a syllable or two in ASCII
    assert 190 < len(company_key(name)) <= companies.KEY_MAX_LENGTH == 200


def test_names_of_one_company_written_differently_share_a_key():
    spellings = ["Müller & Söhne GmbH", "Muller und Sohne", "müller + söhne gmbh & co. kg"]
    assert {company_key(name) for name in spellings} == {"muller and sohne"}


@pytest.mark.parametrize(
    "name", ["Acme Co., Ltd.", "AB Volvo", "Siemens GmbH & Co. KG", "Ltd. Inc.", "Apex Blue S.A.", "Foo", "SA Foods"]
)
def test_legal_forms_are_removed_as_cleanco_basename_removes_them(name):
    """The key gives cleanco only the legal forms that can match (for speed): the result is basename's own,
    repeated until it removes nothing more."""
    expected = name
    while (shorter := basename(expected, prefix=True)) != expected:
        expected = shorter
    assert companies._without_legal_forms(name) == expected


DOMAINS = [
    # (value, registrable domain, no evidence)
    ("example.com", "example.com", False),
    ("www.Example.COM", "example.com", False),
    ("shop.example.co.uk", "example.co.uk", False),
    ("https://www.example.co.uk:8443/path/page?x=1#top", "example.co.uk", False),
    ("http://user:secret@intranet.acme.de/", "acme.de", False),
    ("example.com.", "example.com", False),
    ("bob.smith@mail.acme.de", "acme.de", False),
    ("BOB@ACME.DE", "acme.de", False),
    ("mailto:sales@acme.fr", "acme.fr", False),
    ("münchen.de", "xn--mnchen-3ya.de", False),
    ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de", False),
    ("https://MÜNCHEN.de/x", "xn--mnchen-3ya.de", False),
    ("straße.de", "xn--strae-oqa.de", False),
    ("info@bücher.example", "", True),  # no such public suffix
    ("jane@gmail.com", "gmail.com", True),
    ("googlemail.com", "googlemail.com", True),
    ("x@outlook.com", "outlook.com", True),
    ("x@hotmail.co.uk", "hotmail.co.uk", True),
    ("x@hotmail.fr", "hotmail.fr", True),
    ("x@live.com", "live.com", True),
    ("x@yahoo.co.jp", "yahoo.co.jp", True),
    ("x@icloud.com", "icloud.com", True),
    ("x@gmx.de", "gmx.de", True),
    ("x@gmx.net", "gmx.net", True),
    ("x@web.de", "web.de", True),
    ("x@proton.me", "proton.me", True),
    ("acme.wixsite.com/shop", "wixsite.com", True),
    ("acme.squarespace.com", "squarespace.com", True),
    ("acme.github.io", "github.io", True),
    ("acme.blogspot.com", "blogspot.com", True),
    ("192.168.0.1", "", True),
    ("localhost:8000", "", True),
    ("n/a", "", True),
    ("acme .com", "", True),
    ("", "", True),
    (None, "", True),
]


@pytest.mark.parametrize(("value", "domain", "no_evidence"), DOMAINS)
def test_registrable_domain(value, domain, no_evidence):
    assert registrable_domain(value) == domain
    assert is_no_evidence_domain(value) is no_evidence
    assert evidence_domain(value) == ("" if no_evidence else domain)


def test_the_domain_extractor_uses_the_bundled_list_only():
    """No URL to fetch the public suffix list from, no cache directory, the snapshot in the package."""
    extractor = companies.DOMAIN_EXTRACTOR
    assert extractor.suffix_list_urls == ()
    assert not extractor._cache.enabled
    assert extractor.fallback_to_snapshot


def test_the_domain_extractor_loads_without_network_or_disk(monkeypatch, tmp_path):
    """Loaded afresh (as in a new process) with every name look-up and connection recorded and refused, and the
    cache locations pointed at an empty folder: it answers, tried no look-up or connection, and wrote nothing there."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path))
    monkeypatch.setattr(companies.DOMAIN_EXTRACTOR, "_extractor", None)
    assert registrable_domain("forums.bbc.co.uk") == "bbc.co.uk"
    assert attempts == []
    assert list(tmp_path.iterdir()) == []
