"""Candidate profile from CV text: dated roles, years of experience, contact, links, education."""

from __future__ import annotations

import random
import signal
from datetime import date

import pytest

from core.profile import Education, Profile, Role, extract_profile, years_of_experience
from tests.docfactory import sample_cv_text

TODAY = date(2024, 6, 15)


def profile(text: str) -> Profile:
    return extract_profile(text, today=TODAY)


def experience(*lines: str) -> str:
    return "Experience\n" + "\n".join(lines) + "\n"


def periods(p: Profile) -> list[tuple[date | None, date | None]]:
    return [(r.start, r.end) for r in p.roles]


# ---------------------------------------------------------------------------------------------
# years_of_experience: a union of intervals
# ---------------------------------------------------------------------------------------------


def test_years_of_disjoint_periods_add_up_and_gaps_do_not_count() -> None:
    two_years = (date(2010, 1, 1), date(2011, 12, 31))
    one_year = (date(2015, 1, 1), date(2015, 12, 31))
    assert years_of_experience([two_years, one_year]) == pytest.approx(3.0, abs=0.01)


def test_years_count_overlapping_and_nested_periods_once() -> None:
    outer = (date(2010, 1, 1), date(2019, 12, 31))
    nested = (date(2012, 1, 1), date(2013, 12, 31))
    overlapping = (date(2018, 1, 1), date(2021, 12, 31))
    assert years_of_experience([outer, nested]) == pytest.approx(10.0, abs=0.01)
    assert years_of_experience([nested, overlapping, outer]) == pytest.approx(12.0, abs=0.01)
    assert years_of_experience([outer, outer]) == pytest.approx(10.0, abs=0.01)


def test_years_join_touching_periods_and_ignore_reversed_ones() -> None:
    first = (date(2015, 1, 1), date(2015, 6, 30))
    second = (date(2015, 7, 1), date(2015, 12, 31))
    assert years_of_experience([second, first]) == pytest.approx(1.0, abs=0.01)
    assert years_of_experience([(date(2020, 1, 1), date(2019, 1, 1))]) == 0.0
    assert years_of_experience([]) == 0.0


# ---------------------------------------------------------------------------------------------
# Date ranges as CVs write them
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("Jan 2015 - Mar 2018", date(2015, 1, 1), date(2018, 3, 31)),
        ("January 2015 – Present", date(2015, 1, 1), None),
        ("01/2015 - 03/2018", date(2015, 1, 1), date(2018, 3, 31)),
        ("1/2015-3/2018", date(2015, 1, 1), date(2018, 3, 31)),
        ("2015 - 2018", date(2015, 1, 1), date(2018, 12, 31)),
        ("2015–present", date(2015, 1, 1), None),
        ("Oct 2012 to Current", date(2012, 10, 1), None),
        ("Since 2019", date(2019, 1, 1), None),
        ("since March 2019", date(2019, 3, 1), None),
        ("Sept. 2016 — Feb. 2017", date(2016, 9, 1), date(2017, 2, 28)),
        ("JAN 2015 TO MAR 2018", date(2015, 1, 1), date(2018, 3, 31)),
        ("jan 2015 - mar 2018", date(2015, 1, 1), date(2018, 3, 31)),
        ("May 2015 to now", date(2015, 5, 1), None),
        ("2019 - today", date(2019, 1, 1), None),
        ("June 2020 to date", date(2020, 6, 1), None),
        ("03/15/2016 - 04/30/2017", date(2016, 3, 1), date(2017, 4, 30)),
        ("2016.03 - 2017.04", date(2016, 3, 1), date(2017, 4, 30)),
        ("Summer 2014 - Fall 2015", date(2014, 6, 1), date(2015, 9, 30)),
        ("Aug '15 - Dec '16", date(2015, 8, 1), date(2016, 12, 31)),
        ("1995â€‐2003", date(1995, 1, 1), date(2003, 12, 31)),
    ],
)
def test_date_range_formats(written: str, start: date, end: date | None) -> None:
    p = profile(experience(f"Data Analyst, {written}"))

    assert periods(p) == [(start, end)]
    role = p.roles[0]
    assert role.title == "Data Analyst"
    assert role.current is (end is None)
    assert written.split()[0] in role.evidence


def test_present_means_today_and_counts_up_to_it() -> None:
    p = profile(experience("Engineer, January 2020 – Present"))

    assert p.roles[0].end is None and p.roles[0].current
    assert p.total_years == pytest.approx(round(((TODAY - date(2020, 1, 1)).days + 1) / 365.25, 1))


def test_today_defaults_to_the_real_date() -> None:
    p = extract_profile(experience(f"Engineer, January {date.today().year - 2} – Present"))

    assert p.total_years is not None and 2.0 <= p.total_years <= 3.0


def test_year_only_range_runs_from_january_to_december() -> None:
    p = profile(experience("Analyst 2015 - 2018"))

    assert periods(p) == [(date(2015, 1, 1), date(2018, 12, 31))]
    assert p.total_years == 4.0


@pytest.mark.parametrize(
    "written",
    [
        "2018 - 2015",  # end before start
        "Mar 2018 - Jan 2018",
        "1900 - 1910",  # before 1950
        "1940 - 1949",
        "2030 - 2031",  # after next year
        "13/2015 - 14/2016",  # no such month
        "Jan 2026 - Present",  # starts in the future
    ],
)
def test_nonsense_ranges_are_rejected(written: str) -> None:
    p = profile(experience(f"Analyst, {written}"))

    assert p.roles == ()
    assert p.total_years is None


def test_a_range_broken_over_lines_is_put_back_together() -> None:
    p = profile(experience("May 2015", "to", "Current", "Teacher Company Name - City , State"))

    assert periods(p) == [(date(2015, 5, 1), None)]
    assert p.roles[0].title == "Teacher"


def test_since_in_a_sentence_is_not_a_role() -> None:
    text = experience(
        "Manager, 2010 - 2012",
        "Ran the box office of the city's concert series, which has been the premier series in the "
        "area since 1958, and doubled its subscriptions.",
    )
    assert periods(profile(text)) == [(date(2010, 1, 1), date(2012, 12, 31))]


# ---------------------------------------------------------------------------------------------
# Timelines
# ---------------------------------------------------------------------------------------------


def test_timeline_with_overlap_nesting_gap_and_present() -> None:
    text = experience(
        "Senior Engineer, Jan 2020 - Present",  # overlaps the next one by a year
        "Engineer, Jan 2016 - Dec 2020",
        "Weekend Tutor, Mar 2017 - Jun 2018",  # nested: adds nothing
        "Intern, Jun 2012 - Aug 2012",  # three months after a gap
    )
    p = profile(text)

    union_days = (TODAY - date(2016, 1, 1)).days + 1 + (date(2012, 8, 31) - date(2012, 6, 1)).days + 1
    assert p.total_years == round(union_days / 365.25, 1) == 8.7
    assert [r.title for r in p.roles] == ["Senior Engineer", "Engineer", "Weekend Tutor", "Intern"]
    assert p.current_title == "Senior Engineer"


def test_current_title_is_the_current_role_else_the_latest_end() -> None:
    current = profile(
        experience("Tutor, 2010 - 2012", "Head of Data, 2015 - present", "Analyst, 2012 - 2015")
    )
    past = profile(experience("Tutor, 2010 - 2012", "Analyst, 2012 - 2016", "Lecturer, 2011 - 2014"))

    assert current.current_title == "Head of Data"
    assert past.current_title == "Analyst"


def test_roles_come_from_the_experience_section_not_education() -> None:
    text = (
        "Anna Example\n"
        "Experience\n"
        "Data Engineer, Contoso, 2019 - 2021\n"
        "Education\n"
        "BSc Mathematics, University of Sampleton, 2015 - 2018\n"
    )
    p = profile(text)

    assert periods(p) == [(date(2019, 1, 1), date(2021, 12, 31))]
    assert p.total_years == 3.0


def test_without_an_experience_heading_the_whole_cv_is_read_but_study_dates_are_not_roles() -> None:
    text = (
        "Jane Roe\n"
        "Software Developer at Initech, 03/2019 - 02/2021\n"
        "QA Tester at Initrode, 2017 - 2018\n"
        "BSc Computer Science, University of Leeds, 2013 - 2016\n"
    )
    p = profile(text)

    assert [r.title for r in p.roles] == ["Software Developer", "QA Tester"]
    assert p.total_years == 4.0


def test_a_cv_without_dates_has_no_years_and_falls_back_to_its_headline() -> None:
    text = "SENIOR ACCOUNTANT\nSummary\nCareful accountant.\nExperience\nAccountant at a big firm\n"
    p = profile(text)

    assert p.roles == ()
    assert p.total_years is None
    assert p.current_title == "Senior Accountant"
    assert p.name is None


# ---------------------------------------------------------------------------------------------
# Role titles in the layouts CVs use
# ---------------------------------------------------------------------------------------------


def test_title_on_the_date_line_without_company_and_place_noise() -> None:
    text = experience(
        "Company Name City , State Lending Manager 09/2009 to 10/2014",
        "HR Senior Specialist 09/2006 to 09/2009 Company Name City , State",
        "Company Name October 2005 to August 2006 Budget Finance Specialist",
        "Information Technology Specialist(Discountpcfix) | 11/2004 - 09/2005 Company Name - City , State",
        "Google — Senior Software Engineer        Sept. 2019 – Present",
        "Software Engineer, Facebook, Menlo Park, CA (Jan 2015 - Aug 2019)",
    )
    titles = [r.title for r in profile(text).roles]

    assert titles == [
        "Lending Manager",
        "HR Senior Specialist",
        "Budget Finance Specialist",
        "Information Technology Specialist",
        "Senior Software Engineer",
        "Software Engineer",
    ]


def test_title_on_the_line_above_the_dates() -> None:
    text = experience(
        "Senior Data Engineer, Northwind Logistics GmbH, Berlin",
        "March 2021 – present",
        "- Designed batch and streaming pipelines.",
        "Director, Business Development",
        "Acme Corp, Boston",
        "2015 - 2021",
    )
    titles = [r.title for r in profile(text).roles]

    assert titles == ["Senior Data Engineer", "Director, Business Development"]


def test_title_below_the_dates_when_the_cv_is_laid_out_that_way() -> None:
    text = experience(
        "05/2016 to Current",
        "Leasing Consultant Company Name - City , State",
        "Showed apartments and signed leases.",
        "07/2015 to 04/2016",
        "Line Service Technician Company Name - City , State",
        "Fuelled aircraft.",
    )
    p = profile(text)

    assert [r.title for r in p.roles] == ["Leasing Consultant", "Line Service Technician"]
    assert p.roles[0].evidence == "05/2016 to Current\nLeasing Consultant Company Name - City , State"


def test_sample_cv_profile() -> None:
    p = profile(sample_cv_text())

    assert p.name == "Anna Example"
    assert p.email == "anna@example.com"
    assert p.phone == "+49 30 1234 5678"
    assert p.location == "Berlin, Germany"
    assert p.links == ()
    assert p.current_title == "Senior Data Engineer"
    assert [(r.title, r.start, r.end) for r in p.roles] == [
        ("Senior Data Engineer", date(2021, 3, 1), None),
        ("Data Engineer", date(2018, 7, 1), date(2021, 2, 28)),
    ]
    assert p.total_years == 6.0  # July 2018 to mid-June 2024
    assert p.education == (
        Education("Master of Science", "Computer Science", "Technical University of Examplestadt", 2018,
                  "M.Sc. Computer Science, Technical University of Examplestadt, 2018"),
        Education("Bachelor of Science", "Mathematics", "University of Sampleton", 2016,
                  "B.Sc. Mathematics, University of Sampleton, 2016"),
    )


# ---------------------------------------------------------------------------------------------
# Contact: email, phone, links, name, location
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "email"),
    [
        ("Email: John.Smith+cv@Example.CO.UK.", "john.smith+cv@example.co.uk"),
        ("anna_b@mail-server.de | +49 171 1234567", "anna_b@mail-server.de"),
        ("no address here, just @handles and a@b", None),
    ],
)
def test_email(line: str, email: str | None) -> None:
    assert profile(f"Anna Example\n{line}\n").email == email


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("(415) 555-0199", "(415) 555-0199"),
        ("Phone: 415-555-0199", "415-555-0199"),
        ("Cell 415.555.0199", "415.555.0199"),
        ("+1 (415) 555-0199", "+1 (415) 555-0199"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+234-8123177630", "+234-8123177630"),
        ("Tel: 030 1234567", "030 1234567"),
        ("Mobile: 0171 234 5678", "0171 234 5678"),
    ],
)
def test_phone_formats(line: str, phone: str) -> None:
    assert profile(f"Anna Example\n{line}\n").phone == phone


def test_phone_is_not_a_date_range_a_year_or_a_short_number() -> None:
    text = (
        "Anna Example\n"
        "Analyst 2015 - 2018, 01/2015 - 03/2018, 1990-1994, 2019\n"
        "Zip 94105, room 1234, 555-0199, passport No. M0197098\n"
    )
    assert profile(text).phone is None


def test_links_are_normalised_and_deduplicated() -> None:
    text = (
        "Anna Example\n"
        "linkedin.com/in/anna-example, https://www.linkedin.com/in/anna-example/ "
        "(github.com/annaex). Portfolio: http://www.annaexample.dev.\n"
        "Experience\n"
        "Engineer at https://www.employer.example.com, 2015 - 2018\n"
    )
    links = profile(text + "x\n" * 1200).links

    assert links == (
        "https://linkedin.com/in/anna-example",
        "https://github.com/annaex",
        "http://www.annaexample.dev",
        "https://www.employer.example.com",
    )


def test_an_employer_url_deep_in_the_cv_is_not_a_candidate_link() -> None:
    text = "Anna Example\n" + "Did things.\n" * 400 + "Worked on https://www.product.example.com\n"
    text += "See github.com/annaex\n"
    assert profile(text).links == ("https://github.com/annaex",)


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ("Anna Example\nData Engineer\nanna@example.com", "Anna Example"),
        ("Mary-Jane O'Neil\n+44 20 7946 0958", "Mary-Jane O'Neil"),
        ("Farrah M. Bauman\nTeacher", "Farrah M. Bauman"),
        ("Ludwig van Beethoven\nComposer", "Ludwig van Beethoven"),
        ("JOHN SMITH\njohn@example.com", "John Smith"),
        ("TEACHER\nKpandipou Koffi\nSummary", "Kpandipou Koffi"),
        ("SENIOR ACCOUNTANT", None),  # livecareer: a job title where the name was
        ("INFORMATION TECHNOLOGY\nSummary", None),
        ("JOHN SMITH", None),  # capitals and no contact details: most likely a headline
        ("Curriculum Vitae\nData Engineer", None),
        ("Professional Summary\nCareful.", None),
        ("Project Manager\nSummary", None),
        ("Behavioral Interventionist\nann@x.org", None),
        ("Anna 2024 Example", None),
        ("", None),
    ],
)
def test_name(head: str, name: str | None) -> None:
    assert profile(head + "\nExperience\nAnalyst, 2015 - 2018\n").name == name


@pytest.mark.parametrize(
    ("head", "location"),
    [
        ("Anna Example\nAustin, TX 78701 | anna@example.com", "Austin, TX"),
        ("Anna Example\nSan Francisco, CA", "San Francisco, CA"),
        ("Anna Example\nBerlin, Germany", "Berlin, Germany"),
        ("Anna Example\n12 Malard Drive Clarksville, TN", "Clarksville, TN"),
        ("Anna Example\nLondon, United Kingdom", "London, United Kingdom"),
        ("SALES ASSOCIATE\nCompany Name - City , State", None),
        ("Anna Example\nSkills, Python", None),
    ],
)
def test_location(head: str, location: str | None) -> None:
    assert profile(head + "\nSummary\nGood.\n").location == location


# ---------------------------------------------------------------------------------------------
# Education
# ---------------------------------------------------------------------------------------------


def education(*lines: str) -> tuple[Education, ...]:
    return profile("Education\n" + "\n".join(lines) + "\n").education


@pytest.mark.parametrize(
    ("line", "degree", "field", "institution", "year"),
    [
        ("Bachelor of Arts in History, University of Leeds, 2016", "Bachelor of Arts", "History",
         "University of Leeds", 2016),
        ("BSc in Computer Science - Imperial College London (2012)", "Bachelor of Science",
         "Computer Science", "Imperial College London", 2012),
        ("B.S. Mechanical Engineering, 2005, Georgia Institute of Technology", "Bachelor of Science",
         "Mechanical Engineering", "Georgia Institute of Technology", 2005),
        ("BA, Economics, Boston College, 2010", "Bachelor of Arts", "Economics", "Boston College", 2010),
        ("Master of Science : Sport Management THE UNIVERSITY OF TENNESSEE - City , State",
         "Master of Science", "Sport Management", "University of Tennessee", None),
        ("MBA : Business Finance Strayer University - City , State", "MBA", "Business Finance",
         "Strayer University", None),
        ("Master of Business Administration 2012 University of Phoenix - City , State",
         "Master of Business Administration", None, "University of Phoenix", 2012),
        ("Ph.D. in Physics, Massachusetts Institute of Technology, 2019", "PhD", "Physics",
         "Massachusetts Institute of Technology", 2019),
        ("Doctor of Philosophy, Chemistry, 2001", "PhD", "Chemistry", None, 2001),
        ("Associate of Science : Pre-Engineering Pikes Peak Community College 2016-2018",
         "Associate of Science", "Pre-Engineering", "Pikes Peak Community College", 2018),
        ("Associate of Arts : Criminal Justice Tallahassee Community College - City , State",
         "Associate of Arts", "Criminal Justice", "Tallahassee Community College", None),
        ("A.A.S : Criminal Justice , 6/2005 Rasmussen College - City , State", "Associate of Applied Science",
         "Criminal Justice", "Rasmussen College", 2005),
        ("Bachelor of Science : Accounting University of Maryland - City , State", "Bachelor of Science",
         "Accounting", "University of Maryland", None),
        ("Bachelor of Science (BS) : Business Administration , 2008 UNIVERSITY OF SOUTHERN MISSISSIPPI",
         "Bachelor of Science", "Business Administration", "University of Southern Mississippi", 2008),
        ("J.D. : Criminal Law Duke University Law School - City , State", "Juris Doctor", "Criminal Law",
         "Duke University", None),
        ("Masters Degree in Secondary Education", "Master's degree", "Secondary Education", None, None),
        ("Bachelor's : Business Administration , 04/2019", "Bachelor's degree", "Business Administration",
         None, 2019),
        ("High School Diploma : 2002 Coconut Creek High School - City , State", "High School Diploma", None,
         "Coconut Creek High School", 2002),
        ("GED West Orange-Stark High School City , State | 2007", "GED", None,
         "West Orange-Stark High School", 2007),
        ("Diploma : Design Drafting 1971 Chenier Business College City , State", "Diploma", "Design Drafting",
         "Chenier Business College", 1971),
        ("M.Tech : Control Systems , 1988 Indian Institute of Technology - City , India",
         "Master of Technology", "Control Systems", "Indian Institute of Technology", 1988),
    ],
)
def test_degree_field_institution_and_year(
    line: str, degree: str, field: str | None, institution: str | None, year: int | None
) -> None:
    entries = education(line)

    found = [(e.degree, e.field, e.institution, e.year) for e in entries]

    assert found == [(degree, field, institution, year)]
    assert entries[0].evidence == line


def test_education_across_lines_year_above_and_school_on_its_own_line() -> None:
    entries = education(
        "May 2017",
        "Master's : Mechanical Engineering Illinois Institute of Technology - City , State",
        "2005",
        "Associate of Science : Biology",
        "John A. Logan College - City , State",
        "University of Kansas",
        "Interior Design Bachelor's Degree",
    )
    assert [(e.degree, e.field, e.institution, e.year) for e in entries] == [
        ("Master's degree", "Mechanical Engineering", "Illinois Institute of Technology", 2017),
        ("Associate of Science", "Biology", "John A. Logan College", 2005),
        ("Bachelor's degree", None, "University of Kansas", None),
    ]


def test_a_school_without_a_degree_is_an_entry_and_a_repeated_degree_is_one() -> None:
    entries = education(
        "Norwich Free Academy City , State 2010",
        "Bachelor of Arts : Communication Fayetteville State University - City , State",
        "Bachelor of Arts in Communication, Magna Cum Laude",
    )
    assert [(e.degree, e.field, e.institution, e.year) for e in entries] == [
        ("Bachelor of Arts", "Communication", "Fayetteville State University", None),
        (None, None, "Norwich Free Academy", 2010),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Proficient in MS Office, MS Excel and MS Word",
        "Sales Associate at a large retailer",
        "Boston, MA 02110",
        "Completed a training course in customer service.",
    ],
)
def test_lines_that_are_no_degree(line: str) -> None:
    assert education(line) == ()


def test_without_an_education_section_degrees_are_found_anywhere() -> None:
    p = profile("Anna Example\nData Engineer with an MSc in Statistics from University of Leeds (2015).\n")
    assert [(e.degree, e.field, e.institution, e.year) for e in p.education] == [
        ("Master of Science", "Statistics", "University of Leeds", 2015)
    ]


# ---------------------------------------------------------------------------------------------
# Any input: safe and fast
# ---------------------------------------------------------------------------------------------


EMPTY = Profile(None, None, None, None, (), (), (), None, None)


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\x00\x01\x02"])
def test_empty_input_gives_an_empty_profile(text: str) -> None:
    assert profile(text) == EMPTY


def test_non_text_input_gives_an_empty_profile() -> None:
    assert extract_profile(None) == EMPTY  # type: ignore[arg-type]
    assert extract_profile(b"Anna Example") == EMPTY  # type: ignore[arg-type]


def test_html_is_read_as_text() -> None:
    html = (
        "<html><body><h1>Anna Example</h1><p>anna@example.com</p>"
        '<a href="https://github.com/annaex">GitHub</a>\n<h2>Experience</h2>\n'
        "<p>Data Engineer, 2015 - 2018</p></body></html>"
    )
    p = profile(html)

    assert p.email == "anna@example.com"
    assert p.links == ("https://github.com/annaex",)
    assert periods(p) == [(date(2015, 1, 1), date(2018, 12, 31))]


def _garbage(n: int, alphabet: str, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


ADVERSARIAL = {
    "one long word": "a" * 200_000,
    "digits": "1" * 200_000,
    "at signs": "a@" * 100_000,
    "almost emails": ("x" * 63 + "@" + "y." * 50 + " ") * 1_500,
    "almost urls": ("http://" + "a" * 300 + " ") * 600,
    "dangling ranges": "2015 - " * 28_000,
    "capitalised words": "Aaaa Bbbb, CC " * 14_000,
    "schools": "University College School Institute of The And " * 4_000,
    "degrees": "Bachelor of Science in Computer Science, University of X, 2015 " * 3_000,
    "dated lines": "Manager Company Name - City , State\n01/2015 to 02/2016\n" * 3_500,
    "newlines": "\n" * 200_000,
    "phone soup under contact": "Contact\n" + ("+1 " + "1" * 40 + " (555) " + "2" * 30 + " ") * 2_500,
    "since soup": "Experience\n" + "Since 2019\n" * 18_000,
    "date soup": _garbage(200_000, "0123456789/-–. \nJanPresent,:", 1),
    "binary": _garbage(200_000, "".join(map(chr, range(256))), 2),
    "cv repeated": sample_cv_text() * 180,
}


def _hang(signum: int, frame: object) -> None:
    raise TimeoutError("profile() is still running after 60 s: catastrophic regex backtracking?")


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_huge_and_garbage_input_is_safe(name: str) -> None:
    """No crash and sane output; a hang (exponential backtracking) fails instead of blocking the suite.

    Speed itself is not asserted here (tests never assert wall-clock limits); typical CVs take
    about 2 ms each (README, measured figures).
    """
    text = ADVERSARIAL[name]
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(60)
    try:
        p = profile(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    assert isinstance(p, Profile)
    assert all(isinstance(r, Role) for r in p.roles)
    assert p.total_years is None or 0 <= p.total_years <= TODAY.year - 1950
