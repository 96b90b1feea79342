from django.db import migrations

PARSE_DATE = r"""
CREATE OR REPLACE FUNCTION pos_parse_date(value text, fmt text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- A date written as `fmt` (or in ISO form, always accepted), or NULL when it is not a real date.
-- Never raises: one bad line must not stop the statement that checks a million.
DECLARE p text[]; y int; m int; d int;
BEGIN
  value := btrim(value);
  p := regexp_match(value, '^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.+Z]*)?$');
  IF p IS NOT NULL THEN
    y := p[1]; m := p[2]; d := p[3];
  ELSIF fmt = 'YYYYMMDD' THEN
    p := regexp_match(value, '^(\d{4})(\d{2})(\d{2})$');
    IF p IS NULL THEN RETURN NULL; END IF;
    y := p[1]; m := p[2]; d := p[3];
  ELSIF fmt IN ('DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY') THEN
    p := regexp_match(value, '^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$');
    IF p IS NULL THEN RETURN NULL; END IF;
    IF fmt = 'MM/DD/YYYY' THEN m := p[1]; d := p[2]; ELSE d := p[1]; m := p[2]; END IF;
    y := p[3];
  ELSE
    RETURN NULL;
  END IF;
  IF y < 1900 OR y > 2999 OR m < 1 OR m > 12 OR d < 1 THEN RETURN NULL; END IF;
  IF d > extract(day FROM make_date(y, m, 1) + interval '1 month' - interval '1 day') THEN RETURN NULL; END IF;
  RETURN make_date(y, m, d);
END $$;
"""

EXTRA_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states of america": "US",
    "deutschland": "DE",
    "espana": "ES",
    "españa": "ES",
    "holland": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "österreich": "AT",
    "south korea": "KR",
    "russia": "RU",
    "czech republic": "CZ",
    "uae": "AE",
    "vietnam": "VN",
    "taiwan": "TW",
    "iran": "IR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
}


def load_country_aliases(apps, schema_editor):
    import pycountry

    CountryAlias = apps.get_model("pos", "CountryAlias")
    aliases = {}
    for country in pycountry.countries:
        for name in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        ):
            if name:
                aliases.setdefault(name.lower(), country.alpha_2)
    for alias, code in EXTRA_ALIASES.items():
        aliases.setdefault(alias, code)
    CountryAlias.objects.bulk_create([CountryAlias(alias=a, code=c) for a, c in aliases.items()])


class Migration(migrations.Migration):
    dependencies = [("pos", "0001_initial")]
    operations = [
        migrations.RunSQL(PARSE_DATE, "DROP FUNCTION IF EXISTS pos_parse_date(text, text);"),
        migrations.RunPython(load_country_aliases, migrations.RunPython.noop),
    ]
