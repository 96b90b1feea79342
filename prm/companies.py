"""Company-name and domain keys: one way to say "these two records name the same company", for every module.

- `company_key(name)`: the name folded to a key — CJK legal forms (株式会社 …) dropped, transliterated to ASCII
  (`anyascii`: accents, Cyrillic, Greek, CJK), legal forms removed at the end and the start (`cleanco`, repeated
  until nothing more goes: "Acme Co., Ltd." → "Acme"), case folded, `&` / `+` and the words "und" / "et" read as
  "and", a leading "the" dropped, apostrophes and dots dropped ("A.B.C." = "ABC"), other punctuation a space,
  whitespace collapsed. A name that is nothing but legal forms ("GmbH") keeps its own folded words ("gmbh") rather
  than an empty key; a blank name is "". At most 200 characters (`KEY_MAX_LENGTH`).
- `registrable_domain(value)`: a web domain, an e-mail address or a URL → the registrable domain under the public
  suffix list bundled with tldextract (never downloaded, never cached on disk): lower case, `www.`, user, port
  and path dropped, internationalised names in their ASCII (punycode, `xn--…`) form — the DNS form, which e-mail
  systems write. "" when there is none (an IP address, `localhost`, text that is not a domain).
- `is_no_evidence_domain(domain)`: free-mail and hosting domains, which say nothing about which company a person
  works for (below). Two records sharing gmail.com are not the same customer.

A key is for joining and comparing, never for showing: keep the name as written beside it.
"""

import re

import idna
import tldextract
from anyascii import anyascii
from cleanco.clean import custom_basename, normalized, prepare_default_terms, strip_punct, strip_tail

# CJK legal forms are written without spaces; transliterated they would fuse with the name
# (株式会社トヨタ → "ZhuShiHuiShetoyota"), so they go first. Longest first: 股份有限公司 before 有限公司.
# fmt: off
CJK_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "株式会社", "有限会社", "合同会社", "合資会社", "合名会社",
    "(株)", "（株）", "㈱", "주식회사", "유한회사",
)
# fmt: on
CJK_LEGAL_FORM_RE = re.compile("|".join(re.escape(form) for form in CJK_LEGAL_FORMS))
# Connectors that mean "and": symbols anywhere, words in German and French.
AND_RE = re.compile(r"\s*[&+]\s*|\b(?:und|et)\b")
DROPPED_RE = re.compile(r"['’`.]")  # joined: "O'Neil" = "ONeil", "A.B.C." = "ABC"
SEPARATOR_RE = re.compile(r"[\W_]+")  # every other non-letter, non-digit run becomes one space
KEY_MAX_LENGTH = 200  # a key fits the columns that store it (transliterated CJK is longer than the name)
HOST_RE = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+")  # what is left of a domain in its ASCII form


# cleanco's legal forms ([(number of words, words)], in the order its basename tries them), indexed by first word:
# basename tries every one of its ~320 terms on every name (~60 µs); given only those whose words all occur in
# the name it gives the same answer in a few µs — and most names hold one legal form or none.
def _by_first_word(forms):
    index = {}
    for position, form in enumerate(forms):
        index.setdefault(form[1][0], []).append((position, form))
    return index


LEGAL_FORMS_BY_FIRST_WORD = _by_first_word(prepare_default_terms())

# The bundled public suffix list only: no URL to fetch, no cache directory. Built once: loading the list is the
# expensive part (~50 ms), done on first use.
DOMAIN_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

# Registrable domains anyone can have an address or a site under: free mail and web hosting. A line or a record
# carrying one of these tells nothing about the company. Kept small and curated — add what real data shows.
# fmt: off
FREE_MAIL_DOMAINS = (
    "gmail.com", "googlemail.com", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "mail.com", "ymail.com", "proton.me", "protonmail.com", "pm.me", "tutanota.com", "zoho.com",
    "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com", "naver.com", "web.de", "t-online.de",
    "freenet.de", "orange.fr", "free.fr", "laposte.net", "libero.it", "seznam.cz", "wp.pl", "o2.pl",
)
HOSTING_DOMAINS = (
    "wixsite.com", "squarespace.com", "github.io", "gitlab.io", "blogspot.com", "wordpress.com", "weebly.com",
    "webflow.io", "netlify.app", "vercel.app", "herokuapp.com", "godaddysites.com", "jimdosite.com", "carrd.co",
    "notion.site", "myshopify.com",
)
# fmt: on
NO_EVIDENCE_DOMAINS = frozenset(FREE_MAIL_DOMAINS + HOSTING_DOMAINS)
# Free-mail brands registered under many country suffixes: hotmail.co.uk, yahoo.co.jp, gmx.at …
NO_EVIDENCE_NAMES = frozenset({"hotmail", "yahoo", "gmx", "outlook", "live", "windowslive"})


def company_key(name):
    """The key of a company name (module docstring). Equal keys: treat as the same company."""
    text = CJK_LEGAL_FORM_RE.sub(" ", name or "")
    text = anyascii(text).strip()
    if not text:
        return ""
    key = _folded(_without_legal_forms(text)) or _folded(text) or text.casefold()
    return key[:KEY_MAX_LENGTH].rstrip()


def _without_legal_forms(text):
    """cleanco's basename, suffixes and prefixes ("OOO Romashka", "AB Volvo"), until it removes nothing more (it
    takes one pass over its terms: "Co., Ltd." needs two)."""
    while (forms := _legal_forms_in(text)) and (shorter := custom_basename(text, forms, prefix=True)) != text:
        text = shorter
    return text


def _legal_forms_in(text):
    """The legal forms all of whose words occur in `text`, in cleanco's order — as basename normalises words."""
    words = set(map(strip_punct, normalized(strip_tail(text)).split()))
    candidates = (entry for word in words for entry in LEGAL_FORMS_BY_FIRST_WORD.get(word, ()))
    return [form for _, form in sorted(candidates) if words.issuperset(form[1])]


def _folded(text):
    text = AND_RE.sub(" and ", text.casefold())
    text = DROPPED_RE.sub("", text)
    words = SEPARATOR_RE.sub(" ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while words and words[0] == "and":  # "+ Partners", "Canal+": a connector at an end joins nothing
        words = words[1:]
    while words and words[-1] == "and":
        words = words[:-1]
    return " ".join(words)


def registrable_domain(value):
    """The registrable domain of a web domain, an e-mail address or a URL (module docstring); "" when none."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    domain = DOMAIN_EXTRACTOR(text).top_domain_under_public_suffix
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            return ""
    return domain if HOST_RE.fullmatch(domain) else ""


def is_no_evidence_domain(value):
    """Whether `value` (any form `registrable_domain` takes) names a free-mail or hosting domain, or no domain."""
    return _is_no_evidence(registrable_domain(value))


def evidence_domain(value):
    """The registrable domain of `value`, or "" when it has none or it is a no-evidence domain: what a record
    stores to be joined on, so that a blank never matches and gmail.com never makes two customers one."""
    domain = registrable_domain(value)
    return "" if _is_no_evidence(domain) else domain


def _is_no_evidence(registrable):
    if not registrable or registrable in NO_EVIDENCE_DOMAINS:
        return True
    return DOMAIN_EXTRACTOR(registrable).domain in NO_EVIDENCE_NAMES
