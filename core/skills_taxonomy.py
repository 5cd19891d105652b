"""The project's curated skills taxonomy: what it holds, how it is loaded, how it is rebuilt.

The taxonomy is a small CSV kept in the repository (``core/data/skills_taxonomy.csv``): one row
per skill with its canonical display name, its aliases, one category and the public lists it
came from. Only facts go in it (names, aliases, categories); how a name is matched in text
(case rules, context rules) is the extractor's business, see :mod:`core.skills`.

The file is built from the public lists in ``shared/data/skills/`` plus the hand-written lists
below (what recruiters need and the public lists lack: abbreviations, non-IT skills, soft
skills, certifications). The build is deterministic, so the committed file can be checked::

    python -m core.skills_taxonomy --data ../shared/data --out core/data/skills_taxonomy.csv

Example:
    >>> from core.skills_taxonomy import load_taxonomy
    >>> entries = load_taxonomy()
    >>> next(e for e in entries if e.skill == "JavaScript").aliases[:2]
    ('ECMAScript', 'ES6')
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import RecruitError

logger = logging.getLogger(__name__)

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "skills_taxonomy.csv"

CATEGORIES: tuple[str, ...] = (
    "programming language", "framework", "cloud/devops", "data", "tool", "domain", "soft skill", "language",
    "certification",
)
COLUMNS: tuple[str, ...] = ("skill", "aliases", "category", "sources")
MULTI_SEPARATOR = " | "

# Provenance labels written to the ``sources`` column, in order of authority: when several
# lists name the same skill, the category and display name of the most authoritative win.
SOURCE_RANK: dict[str, int] = {"hand": 0, "linguist": 1, "esco": 1, "onet": 2, "microsoft": 3, "github": 4}


class TaxonomyError(RecruitError):
    """The taxonomy file is missing or malformed."""


@dataclass(frozen=True)
class TaxonomyEntry:
    """One skill of the taxonomy.

    Attributes:
        skill: canonical display name ("JavaScript").
        aliases: other names for it, as people write them ("JS", "ECMAScript").
        category: one of :data:`CATEGORIES`.
        sources: the lists it came from ("hand", "linguist", "onet", "microsoft", "github", "esco").
    """

    skill: str
    aliases: tuple[str, ...]
    category: str
    sources: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.skill, *self.aliases)


def load_taxonomy(path: Path | None = None) -> list[TaxonomyEntry]:
    """Read the taxonomy CSV (by default the one shipped in ``core/data``).

    Raises:
        TaxonomyError: the file is missing, lacks a column, or names an unknown category.
    """
    path = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise TaxonomyError(f"skills taxonomy {path} lacks column(s): {', '.join(missing)}")
            entries = [_entry_from_row(row, path, line) for line, row in enumerate(reader, start=2)]
    except FileNotFoundError as exc:
        raise TaxonomyError(
            f"skills taxonomy not found at {path}; rebuild it with `python -m core.skills_taxonomy`"
        ) from exc
    logger.debug("loaded %d skills from %s", len(entries), path)
    return entries


def _entry_from_row(row: dict[str, str], path: Path, line: int) -> TaxonomyEntry:
    category = (row["category"] or "").strip()
    if category not in CATEGORIES:
        expected = ", ".join(CATEGORIES)
        raise TaxonomyError(f"{path}:{line}: unknown category {category!r} (expected one of {expected})")
    skill = (row["skill"] or "").strip()
    if not skill:
        raise TaxonomyError(f"{path}:{line}: empty skill name")
    return TaxonomyEntry(
        skill=skill,
        aliases=_split_multi(row["aliases"]),
        category=category,
        sources=_split_multi(row["sources"]),
    )


def _split_multi(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def write_taxonomy(entries: Iterable[TaxonomyEntry], path: Path) -> None:
    """Write entries as the taxonomy CSV (UTF-8, ``\\n`` line ends, multi-values joined by `` | ``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for entry in entries:
            aliases, sources = MULTI_SEPARATOR.join(entry.aliases), MULTI_SEPARATOR.join(entry.sources)
            writer.writerow([entry.skill, aliases, entry.category, sources])


def _key(name: str) -> str:
    """Case-, hyphen- and spacing-insensitive identity of a name ("Front-end" == "front end")."""
    return re.sub(r"[\s-]+", " ", name.casefold()).strip()


# ---------------------------------------------------------------------------------------------
# Hand-written lists. One line per skill: "Canonical name | alias | alias ...".
# A public-list name equal to a canonical name or an alias here is merged into that skill, so
# these lines also rename public-list entries ("Microsoft Excel" becomes an alias of "Excel").
# ---------------------------------------------------------------------------------------------

_HAND: dict[str, str] = {
    "programming language": """
JavaScript | JS | ECMAScript | ES6 | Javascript ES6 | Vanilla JavaScript
TypeScript | TS
Python | Python 3 | Python3 | Python 2
Java | Java SE | Core Java | Java 8 | Java 11 | J2SE
C++ | CPP | C plus plus | Cplusplus
C# | C sharp | CSharp | C#.NET
C | C language | C programming | ANSI C | Embedded C
R | R programming | R language | Rscript | R Studio | RStudio
Go | Golang | Go language | Go programming
Swift | Swift programming | Swift language
SQL | Structured query language | SQL queries | SQL programming
PL/SQL | PLSQL | Oracle PL/SQL
T-SQL | TSQL | Transact-SQL
HTML | HTML5 | XHTML | Hypertext markup language
CSS | CSS3 | Cascading style sheets
Shell scripting | Shell script | Shell scripts | Unix shell | Shell | Unix shell scripting
    | Linux shell scripting
Bash | GNU Bash | Bash scripting | Bash script
VBA | Visual Basic for Applications | Excel VBA | VBA macros | Microsoft Visual Basic for Applications VBA
Visual Basic | VB | VB6 | Visual Basic 6 | Microsoft Visual Basic
VB.NET | Visual Basic .NET | VBNET
Objective-C | ObjC | Obj-C | Objective C
MATLAB | Matlab programming | The MathWorks MATLAB
Julia | Julia language | The Julia Language | Julialang
Rust | Rust programming language | Rust language | Rustlang
Dart | Dart language | Dartlang
Ruby | Ruby programming | Ruby language
Scala | Scala programming
Kotlin | Kotlin programming
Assembly language | Assembly | Assembler | ASM | x86 assembly
Perl | Perl scripting | Perl programming
PowerShell | Windows PowerShell | Microsoft PowerShell | PowerShell scripting
Apex | Salesforce Apex
ABAP | SAP ABAP
COBOL
Fortran
Pascal | Object Pascal | Delphi
Elixir
Haskell
Lua
Groovy
Clojure
Erlang
F# | FSharp | F sharp
OCaml
Prolog
Lisp | Common Lisp
Solidity
G-code | G code
Tcl | Tool command language | Tool command language Tcl
Verilog | SystemVerilog
VHDL | Very high speed integrated circuit VHSIC hardware description language VHDL simulation software
Hardware description language | HDL | Hardware description language HDL
LaTeX | TeX
ActionScript | ActionScript 3 | AS3
CoffeeScript
SAS programming | SAS Base | Base SAS | SAS macros
Ladder logic | Ladder diagram
""",
    "framework": """
Node.js | NodeJS | Node JS
React | ReactJS | React.js | React JS
Angular | Angular 2 | Angular2 | Google Angular
AngularJS | Angular.js | Angular JS
Vue.js | VueJS | Vue | Vue JS
Express.js | ExpressJS | Express js | Express
Next.js | NextJS | Next JS
Django | Django framework
Flask
Spring | Spring Framework | Spring MVC
Spring Boot | SpringBoot
Ruby on Rails | RoR | Rails | Ruby-on-Rails
ASP.NET | ASP .NET | ASP.NET MVC | ASP.NET Core | Microsoft ASP.NET
.NET | .NET Framework | .NET Core | dotnet | dot net | Microsoft .NET Framework | Microsoft .NET
jQuery | JQuery UI
Bootstrap | Twitter Bootstrap
TensorFlow | Tensorflow | TF2
PyTorch
Keras
scikit-learn | sklearn | scikit learn | Scikit-learn
pandas | Python pandas
NumPy | Numpy
Hibernate | Hibernate ORM
J2EE | Java EE | JEE | Java 2 Platform Enterprise Edition | Jakarta EE
    | Oracle Java 2 Platform Enterprise Edition J2EE
JSP | JavaServer Pages | Java Server Pages | Oracle JavaServer Pages JSP
ASP | Active Server Pages | Classic ASP | Microsoft Active Server Pages ASP
AJAX
REST API | RESTful API | RESTful APIs | REST APIs | RESTful web services | RESTful services | REST
SOAP | SOAP web services
Laravel
Xamarin
Flutter
React Native
""",
    "cloud/devops": """
AWS | Amazon Web Services | Amazon AWS | Amazon Web Services AWS software
Azure | Microsoft Azure | Azure cloud | Microsoft Azure software
Google Cloud | GCP | Google Cloud Platform
Kubernetes | k8s | K8S | Kube
Docker | Docker containers | Dockerfile
CI/CD | CICD | CI / CD | Continuous integration and continuous delivery
    | Continuous integration/continuous delivery | Continuous integration/continuous deployment
Continuous integration | CI pipelines
Continuous delivery | Continuous deployment
DevOps | Dev Ops
Jenkins | Jenkins CI
Terraform | HashiCorp Terraform | IBM Terraform
Ansible
Puppet | Puppet Labs
Chef | Chef Infra | Opscode Chef
Linux | Linux administration | GNU/Linux
UNIX | Unix
Windows Server | Microsoft Windows Server
Windows | Microsoft Windows | MS Windows | Windows 10 | Windows 7 | Windows XP | Windows 11
macOS | Mac OS | Mac OS X | OS X | Apple macOS
iOS | Apple iOS
Android | Google Android | Android OS
Red Hat Enterprise Linux | RHEL | Red Hat Linux | Red Hat
Active Directory | Microsoft Active Directory | AD DS
VMware | VMware vSphere | VMware ESXi | vSphere
Virtualization
Cloud computing
Git | Git version control
GitHub
GitLab
Bitbucket | Atlassian Bitbucket
Subversion | SVN | Apache Subversion | Apache Subversion SVN | SVN (Subversion)
Microservices | Microservice architecture | Micro services
Serverless | Serverless computing
Infrastructure as code | IaC
Site reliability engineering | SRE
TCP/IP
DNS | Domain Name System
VPN | Virtual private network
Network administration | Network administrator | Network management
System administration | Systems administration | Sysadmin
LAN/WAN | LAN | WAN
Firewalls | Firewall | Firewall configuration
""",
    "data": """
Machine learning | ML
Deep learning
Natural language processing | NLP
Computer vision
Artificial intelligence | AI
Generative AI | GenAI | Gen AI
Large language models | LLM | LLMs | Large language model
Data science
Data analysis | Data analytics | Data analyst
Data visualization | Data visualisation | Data viz
Data mining
Data modeling | Data modelling
Data warehousing | Data warehouse | Data warehouses
ETL | Extract transform load | ETL pipelines
Big data
Business intelligence | BI
Statistics | Statistical analysis
Predictive modeling | Predictive modelling | Predictive analytics
A/B testing | AB testing | Split testing
Tableau | Tableau Desktop
Power BI | Microsoft Power BI | PowerBI | MS Power BI
Microsoft SQL Server | SQL Server | MS SQL Server | MSSQL | MS SQL
MySQL
PostgreSQL | Postgres | Postgre SQL
Oracle Database | Oracle DB | Oracle RDBMS | Oracle 11g | Oracle 12c | Oracle
MongoDB | Mongo DB | Mongo
NoSQL
Apache Spark | Spark | PySpark
Apache Hadoop | Hadoop | HDFS
Apache Kafka | Kafka
Snowflake | Snowflake Data Cloud
Databricks
SSIS | SQL Server Integration Services | Microsoft SQL Server Integration Services SSIS
SSRS | SQL Server Reporting Services | Microsoft SQL Server Reporting Services SSRS
SSAS | SQL Server Analysis Services
SPSS | IBM SPSS | IBM SPSS Statistics | SPSS Statistics
SAS | SAS software | SAS Enterprise Guide
Stata | StataCorp Stata
Minitab
Alteryx
Looker
Qlik | QlikView | Qlik Sense
Google Analytics | GA4
Crystal Reports
JSON | JavaScript Object Notation | JavaScript Object Notation JSON
XML | Extensible markup language | Extensible markup language XML
Relational databases | Relational database | RDBMS
Database management | Database administration | DBA
Data entry | Data-entry
Excel modeling | Excel modelling
""",
    "tool": """
Adobe Dreamweaver | Dreamweaver | Macromedia Dreamweaver
Adobe Flash | Flash | Macromedia Flash
Toad | Toad for Oracle
Apache HTTP Server | Apache | Apache httpd | httpd
Apache Tomcat | Tomcat
Excel | Microsoft Excel | MS Excel | MS-Excel | Excel spreadsheets | Advanced Excel
Spreadsheets | Spreadsheet | Spreadsheet software
Microsoft Word | MS Word | MS-Word | Word
PowerPoint | Microsoft PowerPoint | MS PowerPoint | Power Point
Outlook | Microsoft Outlook | MS Outlook
Microsoft Access | MS Access | Access
Microsoft Office | MS Office | Microsoft Office Suite | MS Office Suite | Office 365 | Microsoft 365
    | Microsoft Office 365 | O365 | Microsoft Office software
Microsoft Project | MS Project
Microsoft Teams | MS Teams
SharePoint | Microsoft SharePoint | MS SharePoint
Visio | Microsoft Visio | MS Visio
Microsoft Dynamics | Dynamics 365 | Dynamics GP | Dynamics AX | Dynamics NAV | Dynamics CRM
Google Workspace | G Suite | GSuite | Google Apps | Google Workspace software
Google Docs
Google Sheets
QuickBooks | Intuit QuickBooks | QuickBooks Online | QuickBooks Pro | Quickbooks Desktop | QBO
Peachtree | Sage Peachtree
Sage 50 | Sage | Sage Accounting
Xero
Tally | Tally ERP | Tally ERP 9 | TallyPrime
NetSuite | Oracle NetSuite
SAP | SAP ERP | SAP software | SAP R/3 | SAP S/4HANA | SAP FICO | SAP FI/CO
Oracle Financials | Oracle E-Business Suite | Oracle EBS
Oracle Hyperion | Hyperion
PeopleSoft | Oracle PeopleSoft
Workday | Workday HCM | Workday software
ADP | ADP Workforce Now
Kronos | Kronos Workforce Timekeeper | UKG
Taleo | Oracle Taleo
Salesforce | Salesforce.com | SFDC | Salesforce CRM | Salesforce software | Salesforce Sales Cloud
HubSpot | HubSpot CRM | HubSpot software
Zoho CRM
Marketo | Marketo Marketing Automation
Mailchimp | MailChimp
Hootsuite
Zendesk
ServiceNow
Jira | Atlassian JIRA | JIRA software
Confluence | Atlassian Confluence
Trello
Asana
Slack
Zoom | Zoom video conferencing
Cisco Webex | Webex
Google Meet
Microsoft Visual Studio | Visual Studio
Visual Studio Code | VS Code | VSCode
Eclipse | Eclipse IDE
IntelliJ IDEA | IntelliJ
Postman
Selenium | Selenium WebDriver
JUnit
Adobe Creative Suite | Adobe Creative Cloud | Adobe CC | Adobe CS6 | Adobe Creative Cloud software
Photoshop | Adobe Photoshop
Illustrator | Adobe Illustrator
InDesign | Adobe InDesign
Adobe Acrobat | Acrobat | Adobe Acrobat Pro
Adobe Premiere Pro | Premiere Pro | Premiere
After Effects | Adobe After Effects
Lightroom | Adobe Lightroom
Adobe XD
Adobe Audition
Final Cut Pro | Apple Final Cut Pro | Final Cut
Avid Media Composer
Pro Tools
Figma
Sketch
InVision | InVision software
Canva
CorelDRAW | Corel Draw
AutoCAD | Autodesk AutoCAD | Auto CAD
AutoCAD Civil 3D | Civil 3D | Autodesk AutoCAD Civil 3D
Revit | Autodesk Revit
SolidWorks | Solid Works | Dassault Systemes SolidWorks
CATIA | Dassault Systemes CATIA
Creo | PTC Creo | PTC Creo Parametric | Pro/Engineer | Pro/E
Autodesk Inventor | Inventor
Autodesk Maya | Maya
3ds Max | 3D Studio Max | Autodesk 3ds Max
SketchUp | Google SketchUp | Trimble SketchUp Pro | SketchUp Pro
Rhino | Rhinoceros 3D | McNeel Rhinoceros 3D | Rhinoceros
Blender
MicroStation | Bentley MicroStation
Navisworks | NavisWorks Jetstream
Primavera P6 | Primavera | Oracle Primavera | Oracle Primavera Enterprise Project Portfolio Management
Procore | Procore software
Bluebeam | Bluebeam Revu
ArcGIS | ESRI ArcGIS | ESRI ArcGIS software | ArcMap | ArcView | ESRI ArcView
LabVIEW | National Instruments LabVIEW
Simulink | MathWorks Simulink
ANSYS | ANSYS simulation software | Ansys Fluent
Epic | Epic Systems | EpicCare | Epic EHR | Epic EMR
Cerner | Cerner PowerChart
Meditech | MEDITECH software
eClinicalWorks | eClinicalWorks EHR software
Dentrix | Henry Schein Dentrix
Westlaw | Thomson Reuters Westlaw
LexisNexis | Lexis Nexis | Lexis
Bloomberg Terminal | Bloomberg
Yardi | Yardi software
Xactimate | Xactware Xactimate
Camtasia | TechSmith Camtasia
Google Ads | Google AdWords | AdWords
Facebook Ads | Facebook Ads Manager | Meta Ads
Google Tag Manager
WordPress
Shopify
Squarespace
Wix
Smart Board | SMART Board | Smartboard
Google Classroom
Blackboard | Blackboard Learn
Moodle
Canvas LMS
Opera PMS | Opera | Micros Opera
Micros POS | MICROS
Point of sale | POS | POS systems | Point-of-sale | Point of sale systems
Applicant tracking systems | ATS | Applicant tracking system | Applicant tracking software
HRIS | Human resources information system | Oracle HRIS
Learning management system | LMS | Learning management systems | Learning management system LMS
CRM software | CRM | Customer relationship management software | CRM systems
    | Customer relationship management CRM software
ERP | ERP systems | Enterprise resource planning | Enterprise resource planning ERP system
EMR | EHR | Electronic medical records | Electronic health records | Electronic medical record
    | Electronic health record
Word processing
10-key | Ten key | 10 key
Typing
Facebook
Instagram
LinkedIn
Twitter
YouTube
TikTok
""",
    "domain": """
Accounting | Accountancy
Bookkeeping | Book keeping | Book-keeping
Accounts payable | Accounts payables
Accounts receivable | Accounts receivables
General ledger | GL accounting | General ledger accounting
GAAP | US GAAP | Generally accepted accounting principles
IFRS | International Financial Reporting Standards
Financial reporting | Financial statements | Financial statement preparation
Financial analysis
Financial modeling | Financial modelling
Financial planning
FP&A | Financial planning and analysis
Budgeting | Budget management | Budget preparation | Budget planning
Forecasting | Financial forecasting
Auditing | Audit | Audits | External audit
Internal audit | Internal auditing | Internal controls
Tax preparation | Tax returns | Income tax | Taxation
Payroll | Payroll processing | Payroll administration | Payroll software
Account reconciliation | Reconciliation | Reconciliations | Bank reconciliation | Bank reconciliations
    | Account reconciliations
Cost accounting
Variance analysis
Month-end close | Month end close | Month-end closing | Year-end close
Cash management | Cash flow management
Cash handling
Credit analysis
Risk management | Risk assessment
Underwriting
Loan processing | Loan origination
Mortgage lending | Mortgage | Mortgages
Anti-money laundering | AML | Anti money laundering
KYC | Know your customer
Sarbanes-Oxley | SOX | Sarbanes Oxley | SOX compliance
Regulatory compliance | Compliance
Investment banking
Portfolio management
Wealth management
Equity research
Valuation | Business valuation
Mergers and acquisitions | M&A
Treasury | Treasury management
Invoicing | Billing
Debt collection | Debt collections | Collections specialist | Collections agent
Retail banking
Commercial banking
Financial services
Actuarial science
Litigation | Civil litigation
Legal research
Legal writing
Contract drafting | Drafting contracts
Contract management | Contract administration
Contract negotiation
Due diligence
Corporate law
Intellectual property | IP law
Family law
Criminal law
Employment law | Labor law | Labour law
Mediation
Arbitration
E-discovery | eDiscovery | Electronic discovery
Case management
Crop management | Crop production
Irrigation
Soil science
Agronomy
Pest management | Integrated pest management | IPM
Livestock management | Livestock
Animal husbandry
Horticulture
Farm management
Precision agriculture
Sustainable agriculture
Food safety | Food safety and sanitation
HACCP | Hazard analysis and critical control points
Fashion design
Pattern making | Patternmaking | Pattern drafting
Sewing
Garment construction
Textiles | Textile design
Merchandising
Visual merchandising
Trend forecasting | Trend analysis
Product development
Sourcing | Strategic sourcing
Tech packs | Tech pack
Quality control | QC
Quality assurance | QA
Painting
Drawing
Sculpture
Photography
Illustration | Digital illustration
Art direction
Printmaking
Ceramics
Animation | 2D animation | 3D animation
3D modeling | 3D modelling
Graphic design | Graphic designer
Web design
UX design | UX | User experience | User experience design | UX/UI | UI/UX
UI design | UI | User interface design
User research
Wireframing | Wireframes
Prototyping
Typography
Branding | Brand identity
Interior design
Space planning
Print design
Layout design
Video editing
Video production
Automotive repair | Auto repair | Automotive service
Vehicle diagnostics | Automotive diagnostics | Engine diagnostics
Engine repair
Brake repair
Auto body repair | Collision repair
Preventive maintenance | Preventative maintenance
Welding | MIG welding | TIG welding
Aircraft maintenance
Avionics
FAA regulations | FAA
Flight operations
Flight planning
Air traffic control
Aviation safety
Crew resource management | CRM training
Customer service | Customer support | Client service
Call center | Call centre | Contact center
Technical support | Tech support | IT support
Help desk | Helpdesk | Service desk
Telemarketing
Inbound calls | Inbound call handling
Outbound calls | Outbound calling
Workforce management
Business development
Lead generation
Market research
Market analysis
Strategic planning
Account management | Key account management | Client account management
Pipeline management | Sales pipeline management
Proposal writing | Grant writing | RFP responses
Go-to-market strategy | Go-to-market | GTM strategy
Partnership development | Strategic partnerships
Culinary arts
Food preparation | Food prep
Menu planning
Menu development
Kitchen management
Food cost control | Food costing | Food cost
Catering
Baking
Pastry | Pastry arts
Butchery
Banquets | Banquet operations
Knife skills
Sanitation
Construction management
Project scheduling
Scheduling | Appointment scheduling
Blueprint reading | Reading blueprints | Blueprints
Cost estimating | Estimating | Construction estimating
Site safety | Construction safety
Carpentry
Concrete work | Concrete finishing | Concrete forming
Plumbing
Electrical wiring
HVAC | Heating ventilation and air conditioning
Heavy equipment operation | Heavy equipment
Quantity surveying
Building codes
Subcontractor management
Management consulting
Business analysis | Business analyst
Process improvement | Continuous improvement | Business process improvement
Change management
Stakeholder management | Stakeholder engagement
Requirements gathering | Requirements analysis
Lean | Lean manufacturing | Lean principles
Six Sigma | Lean Six Sigma
Business process reengineering | BPR
Digital marketing
Social media marketing | SMM
Social media management | Social media
Content creation
Content marketing
SEO | Search engine optimization | Search engine optimisation
SEM | Search engine marketing
PPC | Pay-per-click | Pay per click
Email marketing
Copywriting
Blogging
Marketing analytics
Influencer marketing
Marketing
Advertising
Public relations | PR
Media relations
Press releases | Press release
Crisis communication | Crisis communications | Crisis management
Event planning
Event management
Corporate communications
Brand management
Speech writing | Speechwriting
Community outreach
Fundraising
Journalism
Editing
Proofreading
Technical writing
Mechanical design
Electrical design
Circuit design
CAD | Computer-aided design | CAD software
Finite element analysis | FEA
GD&T | Geometric dimensioning and tolerancing
Root cause analysis | RCA
FMEA | Failure mode and effects analysis
PLC programming | PLC | PLCs | Programmable logic controllers
Process engineering
Quality engineering
Project engineering
Thermodynamics
Fluid mechanics
Mechanical engineering
Electrical engineering
Civil engineering
Structural engineering
Chemical engineering
Industrial engineering
Personal training | Personal trainer
Group fitness | Group exercise
Strength and conditioning | Strength training
Nutrition | Sports nutrition
Exercise physiology
Fitness assessment | Fitness assessments
Yoga
Pilates
Kinesiology
Weight management | Weight loss
Patient care | Direct patient care
Medical terminology
Phlebotomy
Vital signs
Medication administration
HIPAA | HIPAA compliance
Infection control
Wound care
Patient assessment
Triage
Medical billing
Medical coding
ICD-10 | ICD-9 | ICD-10-CM
CPT coding | CPT
Nursing
Telemetry
IV therapy | IV insertion
Discharge planning
Patient education
Clinical research
Clinical trials
Recruiting | Recruitment | Full-cycle recruiting | Full cycle recruiting
Talent acquisition
Onboarding
Employee relations
Performance management
Compensation and benefits | Compensation & benefits | Compensation
Benefits administration
Training and development | Learning and development | L&D
Succession planning
Labor relations | Labour relations
FMLA | Family and Medical Leave Act
EEO | Equal employment opportunity
Workforce planning
Employee engagement
Interviewing
Human resources | HR management | Human resource management
Information security | Cybersecurity | Cyber security | InfoSec | IT security
Penetration testing | Pen testing
Network security
Troubleshooting
Software development | Software engineering
Software testing | Manual testing
Test automation | Automated testing | Automation testing
Unit testing
Agile | Agile methodology | Agile methodologies | Agile development | Agile software development
Scrum | Scrum methodology
Kanban
Waterfall | Waterfall methodology
SDLC | Software development life cycle | Software development lifecycle
Object-oriented programming | OOP | Object oriented programming | OOPS
Data structures | Data structures and algorithms
Algorithms
Web development | Web developer
Front-end development | Front end development | Frontend development | Front-end
Back-end development | Backend development | Back end development | Back-end
Full-stack development | Full stack development | Full-stack | Full stack
Mobile development | Mobile app development
API development | API design | APIs
Embedded systems | Embedded system | Embedded software
Project management | Project planning | Project coordination
Program management
Product management
Operations management
Supply chain management | Supply chain | SCM
Logistics
Procurement | Purchasing
Inventory management | Inventory control | Inventory management systems | Inventory control system software
Vendor management | Supplier management
Warehouse management | Warehousing | WMS | Warehouse management system WMS
Sales | Selling
B2B sales | B2B
B2C sales | B2C
Inside sales
Outside sales | Field sales
Cold calling
Sales forecasting
Territory management
Upselling | Up-selling
Cross-selling | Cross selling
Retail sales
Sales management
Loss prevention
Lesson planning | Lesson plans
Curriculum development | Curriculum design
Classroom management
Differentiated instruction
Special education
IEP | Individualized education program | Individualized education plan
ESL | English as a second language | ELL | TESOL | TEFL
Tutoring
Student assessment
Early childhood education
Literacy
Educational technology | EdTech
Behavior management | Behaviour management
Common Core
Instructional design
""",
    "soft skill": """
Communication | Communication skills | Communicator
Written communication | Written communication skills
Verbal communication | Oral communication | Verbal communication skills
Teamwork | Team work | Team player | Working in teams | Work in teams
Leadership | Leadership skills | Lead others
Team leadership | Team lead | Team management
People management
Problem solving | Problem-solving | Problem solver | Solve problems
Critical thinking | Think critically
Time management | Manage time
Attention to detail | Detail-oriented | Detail oriented | Attend to detail
Adaptability | Adapt to change
Flexibility
Creativity | Creative thinking | Think creatively
Interpersonal skills | Interpersonal
Negotiation | Negotiation skills | Negotiating
Conflict resolution | Resolve conflicts
Public speaking | Address an audience
Presentation skills | Presentations
Decision making | Decision-making | Make decisions
Organizational skills | Organisational skills | Organization skills
Multitasking | Multi-tasking
Mentoring | Mentorship
Coaching
Team building | Team-building | Build team spirit
Emotional intelligence
Collaboration | Collaborative
Work ethic
Self-motivated | Self-motivation | Self motivated
Analytical skills | Analytical thinking | Think analytically
Active listening
Relationship building | Relationship management | Build networks
Strategic thinking
Stress management | Cope with stress
Empathy | Show empathy
Customer focus | Customer orientation | Customer-focused | Ensure customer orientation
Work independently
Cross-functional collaboration | Cross-functional teams
""",
    "language": """
English
Spanish
French
German
Italian
Portuguese
Chinese | Mandarin | Mandarin Chinese | Cantonese
Japanese
Korean
Arabic
Hindi
Urdu
Bengali
Punjabi
Gujarati
Tamil
Telugu
Marathi
Russian
Polish
Dutch
Greek
Hebrew
Turkish
Vietnamese
Tagalog | Filipino
Swahili
Persian | Farsi
Ukrainian
Romanian
Czech
Hungarian
Swedish
Norwegian
Danish
Finnish
Thai
Indonesian
Malay
Haitian Creole | Creole
American Sign Language | ASL | Sign language
""",
    "certification": """
PMP | Project Management Professional
CAPM | Certified Associate in Project Management
CPA | Certified Public Accountant
CFA | Chartered Financial Analyst
Certified Management Accountant
Certified Medical Assistant
CFP | Certified Financial Planner
ACCA
Certified Internal Auditor
CISSP
CISA
CISM
CCNA | Cisco Certified Network Associate
CCNP
CompTIA A+ | A+ certification | A+ certified
CompTIA Security+ | Security+
CompTIA Network+ | Network+
MCSE
MCSA
AWS Certified Solutions Architect | AWS Solutions Architect
ITIL | ITIL Foundation | ITIL v3
Six Sigma Green Belt | Lean Six Sigma Green Belt
Six Sigma Black Belt | Lean Six Sigma Black Belt
Certified ScrumMaster | Scrum Master | ScrumMaster
SHRM-CP
SHRM-SCP
PHR
SPHR
CPR | CPR certified | CPR certification
First Aid | First aid certified
AED
BLS | Basic Life Support
ACLS | Advanced Cardiac Life Support
PALS | Pediatric Advanced Life Support
ServSafe | ServSafe certified | ServSafe Food Handler | ServSafe Manager
Food handler certification | Food handlers card | Food handler card
OSHA 10 | OSHA-10 | OSHA 10-hour
OSHA 30 | OSHA-30 | OSHA 30-hour
OSHA | OSHA regulations | OSHA compliance
LEED | LEED AP | LEED Green Associate
CDL | Commercial driver's license | Commercial drivers license | Class A CDL
ASE certification | ASE certified | ASE
A&P license | A&P | Airframe and Powerplant | A&P mechanic
Private pilot license | PPL | Private pilot
Commercial pilot license | CPL | Commercial pilot
NASM | NASM certified | NASM-CPT
ACE certification | ACE certified | ACE personal trainer
Registered Nurse | RN | R.N.
LPN | Licensed Practical Nurse | LVN
CNA | Certified Nursing Assistant
EMT | Emergency Medical Technician | EMT-B
Paramedic
CPC | Certified Professional Coder
Series 7 | FINRA Series 7
Series 63
Series 66
Notary public | Notary
Teaching certification | Teaching certificate | Teaching license | Teacher certification
Professional Engineer | PE license
EIT | Engineer in training
""",
}


def _parse_hand() -> list[tuple[str, str, tuple[str, ...]]]:
    """(category, canonical name, aliases) for every hand-written line, in file order.

    A line starting with ``|`` continues the previous one (more aliases).
    """
    rows: list[tuple[str, str, tuple[str, ...]]] = []
    for category, block in _HAND.items():
        for line in block.strip().splitlines():
            names = [part.strip() for part in line.split("|") if part.strip()]
            if line.lstrip().startswith("|") and rows:
                previous = rows[-1]
                rows[-1] = (previous[0], previous[1], previous[2] + tuple(names))
            elif names:
                rows.append((category, names[0], tuple(names[1:])))
    return rows


# Linguist: only languages recruiters ask for (the file has 800, mostly obscure), with the few
# Linguist aliases that are real names for them (many are file-type keys: "inc", "rake", "node").
_LINGUIST_POPULAR: dict[str, tuple[str, ...]] = {
    "ABAP": (), "ActionScript": ("actionscript3",), "Apex": (), "Assembly": (), "C": (), "C#": ("csharp",),
    "C++": ("cpp",), "Clojure": (), "COBOL": (), "CoffeeScript": (), "CSS": (), "Dart": (), "Elixir": (),
    "Erlang": (), "F#": ("fsharp",), "Fortran": (), "Go": ("golang",), "Groovy": (), "Haskell": (),
    "HTML": ("xhtml",), "Java": (), "JavaScript": ("js",), "Julia": (), "Kotlin": (), "Lua": (), "MATLAB": (),
    "Objective-C": ("objc", "obj-c"), "OCaml": (), "Pascal": ("delphi",), "Perl": (), "PHP": (), "PLSQL": (),
    "PowerShell": (), "Prolog": (), "Python": ("python3",), "R": ("Rscript",), "Ruby": (), "Rust": (),
    "SAS": (), "Scala": (), "Shell": ("bash",), "Solidity": (), "SQL": (), "Swift": (), "TypeScript": ("ts",),
    "VBA": ("visual basic for applications",), "Verilog": (), "VHDL": (), "TSQL": (), "JSON": (), "XML": (),
    "YAML": ("yml",), "GraphQL": (), "TeX": ("latex",), "Sass": ("scss",), "Tcl": (), "Markdown": (),
}
# Linguist names whose skill is better known under another name (merged into the hand entry).
_LINGUIST_RENAME: dict[str, str] = {
    "PLSQL": "PL/SQL", "TSQL": "T-SQL", "Shell": "Shell scripting", "TeX": "LaTeX",
    "Assembly": "Assembly language", "Sass": "Sass", "SAS": "SAS programming",
}

# O*NET hot/in-demand technologies. Vendor prefixes are stripped ("Adobe Photoshop" -> "Photoshop",
# the full name kept as an alias) for these vendors, whose products people name without them.
_ONET_STRIP_VENDORS: tuple[str, ...] = (
    "Microsoft", "Adobe", "Autodesk", "Oracle", "IBM", "Apple", "Atlassian", "Intuit", "The MathWorks",
    "MathWorks", "Dassault Systemes", "National Instruments", "StataCorp", "Bentley", "Trimble", "TechSmith",
    "Henry Schein", "Thomson Reuters", "Xactware", "McNeel", "Unity Technologies", "Unreal Technology",
    "RockWare", "CGTech", "Hex-Rays", "Portswigger", "Guidance Software", "Blackbaud", "Tenable", "Vector 35",
    "ESRI", "PTC", "Springshare", "PTV", "Red Hat", "Kronos", "Sabre", "SAP", "Google", "Amazon", "Apache",
    "Cisco", "Splunk", "Hibernate",
)
# Full O*NET names that are generic product categories, duplicates of hand entries under another
# meaning, or noise for CV matching.
_ONET_DROP = frozenset({
    "Accounting software", "Applicant tracking software", "Business software applications",
    "Chatbot software", "Clinical trial management software", "Database application software",
    "Disassembler software", "Enterprise application integration EAI software", "Firewall software", "Google",
    "Inventory control system software", "JavaScript framework software",
    "Mechanical electrical plumbing MEP design software", "Network directory services software",
    "Operating system software", "Operational Data Store ODS software", "Outage management system OMS",
    "Payroll software", "Productivity software", "Project management software", "Purchasing software",
    "Relational database management system software", "Simulation software", "Software libraries",
    "Source code editor software", "Statistical software", "System testing software",
    "Tax compliance property tax management software", "Tax software", "Video editing software",
    "Web application software", "Web browser software", "Web framework software", "Web server software",
    "IBM Middleware", "Magellan Firmware", "Student information systems SIS software",
    "Transportation management system TMS software", "Property management system PMS software",
    "PCI Express PCIe", "Geographic information system GIS systems", "Content management systems CMS",
    "Web content management system CMS software", "Inventory management systems", "Google Docs",
    "Customer relationship management CRM software", "Learning management system LMS", "Facebook",
})
# O*NET names rewritten to the name people use. Entries mapping a name to itself keep the vendor
# in it ("Google Sheets", not "Sheets"); an empty name drops the entry.
_ONET_RENAME: dict[str, str] = {
    "Amazon Elastic Compute Cloud EC2": "Amazon EC2", "Amazon Simple Storage Service S3": "Amazon S3",
    "Amazon Web Services AWS CloudFormation": "AWS CloudFormation", "Border Gateway Protocol BGP": "BGP",
    "Geographic information system GIS software": "GIS", "Single sign-on SSO": "Single sign-on",
    "Low-level virtual machine LLVM compilers": "LLVM", "Moz search engine optimization SEO software": "Moz",
    "Jenkins CI": "Jenkins", "Splunk Enterprise": "Splunk", "Oracle SQL Developer": "Oracle SQL Developer",
    "Oracle WebLogic Server": "WebLogic", "Oracle Cloud software": "Oracle Cloud",
    "Oracle Database": "Oracle Database", "Oracle Java": "Java", "Google Analytics": "Google Analytics",
    "Google Ads": "Google Ads", "Google Meet": "Google Meet", "Google Sheets": "Google Sheets",
    "Google Tag Manager": "Google Tag Manager", "Google Earth Pro": "Google Earth",
    "Google Workspace software": "Google Workspace", "Apache Hive": "Apache Hive",
    "Apache Cassandra": "Apache Cassandra", "Apache Airflow": "Apache Airflow", "Apache Maven": "Maven",
    "Apache Tomcat": "Apache Tomcat", "Apache JMeter": "JMeter", "Amazon Redshift": "Amazon Redshift",
    "Amazon DynamoDB": "Amazon DynamoDB", "IBM DB2": "DB2", "IBM WebSphere MQ": "IBM MQ",
    "IBM WebSphere": "WebSphere", "Microsoft Azure DevOps Services": "Azure DevOps",
    "Microsoft Team Foundation Server": "Team Foundation Server", "Red Hat WildFly": "WildFly",
    "Red Hat OpenShift": "OpenShift", "Cisco Webex": "Cisco Webex", "SAP Concur": "Concur",
    "Vector CANalyzer": "CANalyzer", "Vector Canape": "CANape", "Unity Technologies Unity": "Unity",
    "Unreal Technology Unreal Engine": "Unreal Engine", "Hypertext markup language HTML": "HTML",
    "Cascading style sheets CSS": "CSS", "Extensible markup language XML": "XML",
    "JavaScript Object Notation JSON": "JSON", "Structured query language SQL": "SQL",
    "Shell script": "Shell scripting", "UNIX Shell": "Shell scripting", "Rust programming language": "Rust",
    "Tool command language Tcl": "Tcl", "Hardware description language HDL": "Hardware description language",
    "Warehouse management system WMS": "Warehouse management",
    "Enterprise resource planning ERP system": "ERP", "Bioconductor software": "Bioconductor",
    "S-Plus software": "S-Plus", "Rapid7 software": "Rapid7", "Ansible software": "Ansible",
    "Alteryx software": "Alteryx", "HubSpot software": "HubSpot", "Informatica software": "Informatica",
    "Perforce software": "Perforce", "Workday software": "Workday", "Salesforce software": "Salesforce",
    "Yardi software": "Yardi", "Procore software": "Procore", "MEDITECH software": "Meditech",
    "InVision software": "InVision", "EpicCare Ambulatory Electronic Medical Records (EMR) software": "Epic",
    "Epic Systems": "Epic", "eClinicalWorks EHR software": "eClinicalWorks", "ESRI ArcGIS software": "ArcGIS",
    "ESRI ArcGIS Survey 123": "ArcGIS Survey123",
    "Mastercam computer-aided design and manufacturing software": "Mastercam",
    "Oracle Primavera Enterprise Project Portfolio Management": "Primavera P6",
    "Kronos Workforce Timekeeper": "Kronos", "Blackbaud The Raiser's Edge": "Raiser's Edge",
    "Marketo Marketing Automation": "Marketo", "Microsoft Office software": "Microsoft Office",
    "Microsoft Dynamics": "Microsoft Dynamics", "Microsoft Project": "Microsoft Project",
    "Microsoft Word": "Microsoft Word", "Microsoft Access": "Microsoft Access",
    "Microsoft Teams": "Microsoft Teams", "Microsoft Windows": "Windows",
    "Microsoft Windows Server": "Windows Server", "Microsoft SQL Server": "Microsoft SQL Server",
    "Microsoft Visual Studio": "Microsoft Visual Studio", "Microsoft Visual Basic": "Visual Basic",
    "Apple Final Cut Pro": "Final Cut Pro", "Adobe Acrobat": "Adobe Acrobat",
    "Adobe Creative Cloud software": "Adobe Creative Suite", "Adobe Premiere Pro": "Adobe Premiere Pro",
    "Adobe XD": "Adobe XD", "Adobe Analytics": "Adobe Analytics", "Adobe Audition": "Adobe Audition",
    "Adobe ColdFusion": "ColdFusion", "Autodesk Inventor": "Autodesk Inventor",
    "Autodesk Maya": "Autodesk Maya", "Google Android": "Android", "Google Angular": "Angular",
    "Hibernate ORM": "Hibernate", "Eclipse Jersey": "Eclipse Jersey",
    "Articulate Storyline": "Articulate Storyline", "Forsk Atoll": "", "Eclipse IDE": "Eclipse",
    "RESTful API": "REST API", "Guidance Software EnCase Enterprise": "EnCase", "Hex-Rays IDA Pro": "IDA Pro",
    "Portswigger BurP Suite": "Burp Suite", "Vector 35 Binary Ninja": "Binary Ninja",
    "Springshare LibGuides": "LibGuides", "On Center On-Screen Takeoff": "On-Screen Takeoff",
    "SKM Systems Analysis Power Tools": "SKM PowerTools", "Sabre Central Command": "Sabre",
    "Cubic Synchro Studio": "Synchro Studio", "RockWare ArcMap": "ArcGIS", "MAYA Nastran": "Nastran",
    "Amazon Web Services AWS software": "AWS", "Microsoft Azure software": "Azure", "Apple macOS": "macOS",
    "Apple iOS": "iOS",
}
_ONET_CATEGORY: dict[str, str] = {
    "Data base user interface and query software": "data", "Data base management system software": "data",
    "Data base reporting software": "data", "Business intelligence and data analysis software": "data",
    "Analytical or scientific software": "data", "Data mining software": "data",
    "Metadata management software": "data", "Object oriented data base management software": "data",
    "Operating system software": "cloud/devops", "Application server software": "cloud/devops",
    "Cloud-based management software": "cloud/devops", "Configuration management software": "cloud/devops",
    "Storage networking software": "cloud/devops", "Network monitoring software": "cloud/devops",
    "Switch or router software": "cloud/devops", "Authentication server software": "cloud/devops",
    "Internet directory services software": "cloud/devops", "Transaction server software": "cloud/devops",
    "Enterprise system management software": "cloud/devops", "Web platform development software": "framework",
}

# Microsoft list (Stackshare and GitHub topics), by display name: entries that are ordinary
# words ("Box", "Release", "Storm" would match everyday English), brands that are not skills,
# or too generic to be one skill. Dropped unless a hand entry already names them.
_MICROSOFT_DROP = frozenset(_key(n) for n in (
    "3D", "Algorithm", "Amp", "Amplitude", "Apiary", "Apollo", "Atom", "Awesome Lists", "AVA", "Babel",
    "Beanstalk", "Bitcoin", "Bot", "Bourbon", "Box", "Brackets", "Brunch", "Buddy", "Buffer", "Caddy",
    "Capybara", "Celery", "Chrome", "Clubhouse", "Compass", "Component", "Compose", "Composer", "Concourse",
    "Conductor", "Consul", "Crystal", "Cryptocurrency", "Dash", "Database", "Deco", "Dependency management",
    "Deployment", "Devise", "Documentation", "Druid", "Dyn", "Echo", "Electron", "Ember", "Emoji", "Emotion",
    "Emulator", "Enzyme", "Eureka", "Fabric", "Finagle", "Firefox", "Flurry", "Flux", "Font", "Framer",
    "Framework", "Gatling", "Gauges", "Clicky", "Gluon", "Google", "Grape", "Graphite", "Guzzle", "Heap",
    "Helm", "Homebrew", "Homebridge", "Hugo", "Icon font", "Impala", "Intercom", "IPFS", "Jetty", "Karma",
    "Kong", "Leaflet", "Less", "Library", "Localization", "Locust", "Lottie", "Lumen", "Mandrill", "Marathon",
    "Marionette", "Mastodon", "Material", "Materialize", "MEAN", "Medium", "Meteor", "Middleman", "Mina",
    "Minecraft", "Mobile", "Mode", "Monero", "Monitoring", "Mongoose", "Mustache", "Nim", "Nomad",
    "Operating system", "P2P", "Packer", "Parcel", "Parse", "Passenger", "Paw", "Perl 6", "Phaser", "PICO-8",
    "Play", "Polymer", "Postmark", "Presto", "Publishing", "Pug", "Puma", "Pusher", "Ratchet", "Realm",
    "Release", "Riot", "Rocket", "Scrutinizer", "Security", "Seesaw", "Segment", "Semaphore", "Sentry",
    "Server", "Sinatra", "Skeleton", "Slim", "SpaceVim", "Sphinx", "Spree", "Stitch", "Storm", "Stripe",
    "Stylus", "Superset", "Support", "Surge", "Telegram", "Terminal", "Testing", "Tornado", "Tower",
    "Underscore", "Unicorn", "Vault", "Varnish", "Wavefront", "Web app", "WordPlate", "Yeoman",
    "Code quality", "Hapi", "AWX", "Stack Overflow", "Back Office", "Relay", "Flow Type", "Web Forms",
    "Twitter", "Slim Lang", "Mongoid", "Lumen", "Skype", "Astro", "Elm", "Wagtail", "Aurelia", "Koa",
    "Fine-tuning", "Pixel Art", "Package manager", "Ratchet",
))
# Microsoft-list display names rewritten to the name the other lists (and people) use.
_MICROSOFT_RENAME: dict[str, str] = {
    "Express js": "Express.js", "Tensorflow": "TensorFlow", "JIRA": "Jira", "The Julia Language": "Julia",
    "Centos": "CentOS", "FFMPEG": "FFmpeg", "Amazon Web Services": "AWS", "Microsoft Azure": "Azure",
    "GNU Bash": "Bash", "SVN (Subversion)": "Subversion", "G Suite": "Google Workspace",
    "MailChimp": "Mailchimp", "Redux.js": "Redux", "Angular 2": "Angular",
    "Front end": "Front-end development", "Airflow": "Apache Airflow", "Cassandra": "Apache Cassandra",
    "Kafka": "Apache Kafka", "Hadoop": "Apache Hadoop", "Oracle": "Oracle Database", "IBM DB2": "DB2",
    "Google BigQuery": "BigQuery", "Puppet Labs": "Puppet", "Adobe Photoshop": "Photoshop",
    "Adobe Illustrator": "Illustrator", "Salesforce Sales Cloud": "Salesforce",
    "Visual Studio": "Microsoft Visual Studio", "Nuxt": "Nuxt.js", "Rails": "Ruby on Rails", "Vue": "Vue.js",
    "Command line interface": "Command-line interface", "Agile Project Management": "Agile",
    "Continuous Deployment": "Continuous delivery", "Apache Maven": "Maven",
}
# Microsoft Academic Graph fields worth keeping as skills (the rest are research topics), with a category.
_MAG_KEEP: dict[str, str] = {
    "accounting": "domain", "actuarial-science": "domain", "advertising": "domain",
    "aerospace-engineering": "domain", "agricultural-engineering": "domain", "anomaly-detection": "data",
    "artificial-intelligence": "data", "augmented-reality": "domain", "automotive-engineering": "domain",
    "big-data": "data", "biomedical-engineering": "domain", "business-administration": "domain",
    "business-intelligence": "data", "chemical-engineering": "domain", "civil-engineering": "domain",
    "cluster-analysis": "data", "computer-graphics": "domain", "computer-programming": "domain",
    "computer-science": "domain", "computer-vision": "data", "construction-engineering": "domain",
    "control-engineering": "domain", "cryptography": "domain", "customer-relationship-management": "domain",
    "data-analysis": "data", "data-center": "cloud/devops", "data-mining": "data", "data-modeling": "data",
    "data-management": "data", "data-science": "data", "data-warehouse": "data", "database-design": "data",
    "debugging": "domain", "digital-signal-processing": "domain", "distributed-computing": "cloud/devops",
    "electrical-engineering": "domain", "electronic-engineering": "domain", "embedded-system": "domain",
    "environmental-engineering": "domain", "ethernet": "cloud/devops", "exploratory-data-analysis": "data",
    "field-programmable-gate-array": "domain", "finance": "domain", "functional-programming": "domain",
    "geotechnical-engineering": "domain", "image-processing": "data", "industrial-engineering": "domain",
    "information-retrieval": "data", "internet-of-things": "domain", "knowledge-management": "domain",
    "linear-regression": "data", "logistic-regression": "data", "machine-learning": "data",
    "manufacturing-engineering": "domain", "marketing": "domain", "mechanical-engineering": "domain",
    "microcontroller": "domain", "natural-language-processing": "data", "network-security": "domain",
    "object-oriented-programming": "domain", "operations-management": "domain", "operations-research": "data",
    "optical-character-recognition": "data", "parallel-computing": "domain", "pattern-recognition": "data",
    "petroleum-engineering": "domain", "principal-component-analysis": "data",
    "process-engineering": "domain", "random-forest": "data", "recommender-system": "data",
    "regression-analysis": "data", "reinforcement-learning": "data", "relational-database": "data",
    "reliability-engineering": "domain", "reverse-engineering": "domain", "sentiment-analysis": "data",
    "signal-processing": "domain", "software-engineering": "domain", "speech-recognition": "data",
    "structural-engineering": "domain", "supervised-learning": "data", "support-vector-machine": "data",
    "systems-engineering": "domain", "telecommunications": "domain", "text-mining": "data",
    "time-series": "data", "unified-modeling-language": "domain", "unsupervised-learning": "data",
    "virtual-reality": "domain", "cobol": "programming language", "fortran": "programming language",
    "prolog": "programming language", "asp-net": "framework", "artificial-neural-network": "data",
    "statistical-classification": "data",
}
_MAG_RENAME: dict[str, str] = {
    "embedded-system": "Embedded systems", "unified-modeling-language": "UML",
    "artificial-neural-network": "Neural networks", "field-programmable-gate-array": "FPGA",
    "customer-relationship-management": "Customer relationship management",
    "internet-of-things": "Internet of Things", "recommender-system": "Recommender systems",
    "support-vector-machine": "Support vector machines", "data-warehouse": "Data warehousing",
    "relational-database": "Relational databases", "data-center": "Data center operations",
    "optical-character-recognition": "OCR", "finance": "Finance",
    "statistical-classification": "Statistical classification",
}

# GitHub topics added as skills (the rest only lend aliases to skills from the other lists).
_GITHUB_ADD: tuple[str, ...] = (
    "agile", "cicd", "devsecops", "microservice", "tdd", "bdd", "unit-testing", "test-automation",
    "jupyter-notebook", "llm", "generative-ai", "prompt-engineering", "rag", "computer-vision",
    "data-science", "seo", "ux", "ui-design", "cybersecurity", "sre", "infrastructure-as-code", "saas",
    "sql-server", "nextjs", "nestjs", "svelte", "tailwind", "quarkus", "jakarta-ee", "javafx", "wpf",
    "winforms", "spring-mvc", "google-cloud", "google-workspace", "google-sheets", "google-docs", "bigquery",
    "powershell", "vba", "oauth2", "openapi", "websocket", "web-assembly", "fastify", "supabase", "mariadb",
    "kivy", "qt", "opengl", "unreal-engine", "godot", "latex", "yaml", "regular-expression", "raspberry-pi",
    "arduino", "esp32", "microcontroller", "iot", "robotframework", "sitecore", "umbraco", "ai",
    "deep-neural-networks", "feature-engineering", "time-series", "nlp", "data-visualization",
    "graphic-design", "product-management", "marketing", "instagram", "youtube", "tiktok", "heroku",
    "netlify",
)
_GITHUB_RENAME: dict[str, str] = {
    "nestjs": "NestJS", "microservice": "Microservices", "cicd": "CI/CD", "google-cloud": "Google Cloud",
    "ux": "UX design", "ui-design": "UI design", "ai": "Artificial intelligence",
    "llm": "Large language models", "rag": "Retrieval-augmented generation", "tailwind": "Tailwind CSS",
    "sql-server": "Microsoft SQL Server", "iot": "Internet of Things", "nlp": "Natural language processing",
    "seo": "SEO", "sre": "Site reliability engineering",
}
# Single-word GitHub slug aliases that are real names people write (others are too loose:
# "review" for code review, "ci", "as", "if", "quality"...).
_GITHUB_ALIAS_OK = frozenset({
    "k8s", "golang", "js", "cpp", "csharp", "nodejs", "reactjs", "vuejs", "angularjs", "expressjs",
    "postgres", "mongo", "sklearn", "dotnet", "gcp", "aws", "nlp", "ux", "ui", "scss", "yml", "regex", "wasm",
    "webassembly", "nextjs", "nuxtjs", "nestjs", "sveltejs", "tailwindcss", "vitejs", "rustlang",
    "kotlinlang", "dartlang", "tensorflow", "pytorch", "pyspark", "bigquery", "gsuite", "infosec", "iac",
    "sre", "tdd", "bdd", "oop", "saas", "cicd", "llms", "genai", "mssql", "sqlserver", "intellij", "vscode",
    "unity3d", "ue4", "jupyter", "devsecops", "rubyonrails", "springboot", "springmvc", "jakartaee",
    "mariadb", "seo", "wpf", "winforms", "vba", "latex", "ror", "emberjs", "meteorjs", "gatsbyjs", "jquery",
    "javafx", "redis", "ios", "macos", "iot", "mlops", "ml", "dataviz", "sass", "lesscss",
})
_GITHUB_BAD_SUFFIXES: tuple[str, ...] = (
    "-api", "-app", "-apps", "-application", "-library", "-plugin", "-plugins", "-theme", "-themes",
    "-examples", "-example", "-tutorial", "-tutorials", "-client", "-server", "-bot", "-package", "-packages",
    "-module", "-modules", "-extension", "-extensions", "-sdk", "-cli", "-project", "-template", "-demo",
    "-config", "-wallet", "-editor", "-ide", "-plugin", "-tools", "-resources", "-papers", "-algorithms",
    "-experiments", "-models", "-configurations", "-component", "-components", "-script", "-scripts", "-game",
)

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    skill: str
    category: str
    rank: int
    aliases: dict[str, str] = field(default_factory=dict)  # key -> alias as written (first seen wins)
    sources: set[str] = field(default_factory=set)


class _Builder:
    """Merges names from several lists into one entry per skill."""

    def __init__(self) -> None:
        self.drafts: dict[str, _Draft] = {}  # key of canonical name -> draft
        self.hand_alias: dict[str, str] = {}  # key of a trusted (hand) alias -> key of its canonical name

    def find(self, name: str) -> _Draft | None:
        key = _key(name)
        if key in self.drafts:
            return self.drafts[key]
        target = self.hand_alias.get(key)
        return self.drafts.get(target) if target else None

    def add(
        self, name: str, category: str, source: str, aliases: Iterable[str] = (), *, trusted: bool = False
    ) -> _Draft:
        """Add a skill or merge it into the one it names; ``name`` becomes an alias when merged."""
        name = name.strip()
        rank = SOURCE_RANK[source]
        draft = self.find(name)
        if draft is None:
            draft = _Draft(skill=name, category=category, rank=rank)
            self.drafts[_key(name)] = draft
        elif rank < draft.rank:
            draft.category, draft.rank = category, rank
        draft.sources.add(source)
        for alias in (name, *aliases):
            alias = alias.strip()
            akey = _key(alias)
            if not alias or akey == _key(draft.skill):
                continue
            draft.aliases.setdefault(akey, alias)
            if trusted:
                self.hand_alias.setdefault(akey, _key(draft.skill))
        return draft

    def add_aliases(self, draft: _Draft, aliases: Iterable[str], source: str) -> None:
        added = False
        for alias in aliases:
            akey = _key(alias)
            if alias and akey != _key(draft.skill) and akey not in draft.aliases:
                draft.aliases[akey] = alias
                added = True
        if added:
            draft.sources.add(source)

    def entries(self) -> list[TaxonomyEntry]:
        """Final entries with unambiguous aliases, sorted by name."""
        owners: dict[str, list[_Draft]] = {}
        for draft in self.drafts.values():
            for akey in draft.aliases:
                owners.setdefault(akey, []).append(draft)
        result: list[TaxonomyEntry] = []
        for draft in self.drafts.values():
            kept: list[str] = []
            for akey, alias in draft.aliases.items():
                if akey in self.drafts:
                    continue  # the alias is another skill's own name
                rivals = owners[akey]
                if len(rivals) > 1:
                    best = min(rivals, key=lambda d: (d.rank, _key(d.skill)))
                    if best is not draft:
                        continue
                kept.append(alias)
            result.append(
                TaxonomyEntry(
                    skill=draft.skill,
                    aliases=tuple(sorted(kept, key=lambda a: (a.casefold(), a))),
                    category=draft.category,
                    sources=tuple(sorted(draft.sources, key=lambda s: (SOURCE_RANK[s], s))),
                )
            )
        result.sort(key=lambda e: (e.skill.casefold(), e.skill))
        return result


def build_taxonomy(data_dir: Path) -> list[TaxonomyEntry]:
    """Build the curated taxonomy from ``data_dir/skills`` (the shared data folder) and the hand lists.

    Args:
        data_dir: the shared data folder (the one holding ``skills/``).

    Returns:
        Entries sorted by canonical name; the same input always gives the same output.
    """
    skills_dir = Path(data_dir) / "skills"
    if not skills_dir.is_dir():
        raise TaxonomyError(f"no skills folder under {data_dir}")
    builder = _Builder()
    for category, name, aliases in _parse_hand():
        builder.add(name, category, "hand", aliases, trusted=True)
    _add_linguist(builder, skills_dir / "linguist_languages.csv")
    _add_esco(builder, skills_dir / "esco_skills_en.csv")
    _add_onet(builder, skills_dir / "onet_technology_skills.csv")
    _add_microsoft(builder, skills_dir / "microsoft_skills.json")
    _add_github(builder, skills_dir / "github_topics.csv")
    return builder.entries()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _add_linguist(builder: _Builder, path: Path) -> None:
    by_name = {row["name"]: row for row in _read_csv(path)}
    for name, keep_aliases in sorted(_LINGUIST_POPULAR.items()):
        row = by_name.get(name)
        if row is None:
            continue
        listed = {_key(a) for a in _split_multi(row["aliases"])}
        aliases = [a for a in keep_aliases if _key(a) in listed]
        if row["type"] == "data" and name not in {"SQL", "GraphQL"}:
            category = "data"  # JSON, YAML, XML
        elif row["type"] == "prose":
            category = "tool"  # Markdown
        else:
            category = "programming language"
        builder.add(_LINGUIST_RENAME.get(name, name), category, "linguist", [name, *aliases])


def _add_esco(builder: _Builder, path: Path) -> None:
    """Mark hand and Linguist skills that ESCO also names (its labels are task statements, so
    it lends provenance here rather than names: "use Microsoft Office", "work in teams")."""
    labels: set[str] = set()
    for row in _read_csv(path):
        labels.update(_key(label) for label in (row["preferred_label"], *_split_multi(row["alt_labels"])))
    for draft in list(builder.drafts.values()):
        names = [draft.skill, *draft.aliases.values()]
        if any(_key(n) in labels for n in names):
            draft.sources.add("esco")


def _strip_vendor(name: str) -> tuple[str, str | None]:
    for vendor in _ONET_STRIP_VENDORS:
        if name.startswith(vendor + " ") and len(name) > len(vendor) + 1:
            return name[len(vendor) + 1 :], name
    return name, None


def _add_onet(builder: _Builder, path: Path) -> None:
    rows = [r for r in _read_csv(path) if r["hot_technology"] == "Y" or r["in_demand"] == "Y"]
    # One category per product: the commodity under which most occupations list it.
    rows.sort(key=lambda r: (r["example"], -int(r["n_occupations"] or 0), r["commodity_title"]))
    seen: set[str] = set()
    for row in rows:
        example = row["example"].strip()
        if example in seen or example in _ONET_DROP:
            continue
        seen.add(example)
        aliases: list[str] = []
        if builder.find(example) is not None:
            name = example  # a hand entry already lists this O*NET name as an alias
        elif example in _ONET_RENAME:
            name = _ONET_RENAME[example]
            if not name:
                continue
            aliases.append(example)
        else:
            name, full = _strip_vendor(re.sub(r" software$", "", example))
            if full:
                aliases.append(full)
        category = _ONET_CATEGORY.get(row["commodity_title"], "tool")
        if name.casefold().startswith(_CLOUD_PREFIXES) and category != "data":
            category = "cloud/devops"
        elif name.casefold().startswith(_CLOUD_PREFIXES) and "EC2" in name:
            category = "cloud/devops"  # O*NET files EC2 under "Data base user interface and query software"
        builder.add(name, category, "onet", aliases)


_FRAMEWORK_WORDS = ("framework", "library", "toolkit", "ui components", "component library", "css ")
_DEVOPS_WORDS = (
    "continuous integration", "continuous delivery", "deploy", "container", "cloud", "hosting",
    "infrastructure", "orchestration", "provisioning", "configuration management", "virtual machine",
    "load balanc", "monitoring", "logging", "operating system", "linux distribution", "dns", "cdn",
    "content delivery", "server", "build tool", "ci ", "devops", "serverless", "kubernetes", "docker",
)
_DATA_WORDS = (
    "database", "data warehouse", "sql", "nosql", "analytics", "big data", "data processing",
    "stream processing", "machine learning", "search engine", "key-value", "data store",
    "business intelligence", "visualization", "notebook", "etl", "data pipeline", "statistical",
)
_CLOUD_PREFIXES = (
    "aws ", "amazon ", "azure ", "google cloud", "google compute", "google kubernetes", "google app engine",
    "heroku", "docker", "kubernetes", "openshift", "openstack",
)


def _guess_category(name: str, description: str) -> str:
    """Category of a Stackshare/GitHub tool from its name and one-line description."""
    text = description.casefold()
    lower = name.casefold()
    if "programming language" in text:
        return "programming language"
    if lower.startswith(_CLOUD_PREFIXES):
        is_data = any(w in text for w in ("database", "data warehouse", "sql", "analytics"))
        return "data" if is_data else "cloud/devops"
    if lower.endswith((".js", "js")) and "json" not in lower:
        return "framework"
    checks = ((_DATA_WORDS, "data"), (_DEVOPS_WORDS, "cloud/devops"), (_FRAMEWORK_WORDS, "framework"))
    for words, category in checks:
        if any(w in text for w in words):
            return category
    return "tool"


def _add_microsoft(builder: _Builder, path: Path) -> None:
    skills = json.loads(path.read_text(encoding="utf-8"))
    for skill_id in sorted(skills):
        info = skills[skill_id]
        sources = info["sources"]
        source = sources[0]
        display = source["displayName"].strip()
        if any(s["sourceName"].startswith("Microsoft Academic") for s in sources):
            if skill_id not in _MAG_KEEP:
                continue  # research topics ("Aboutness", "Deontic logic"), not CV skills
            name = _MAG_RENAME.get(skill_id, display)
            category = _MAG_KEEP[skill_id]
        else:
            if not source.get("shortDescription"):
                continue  # Stackshare category pages ("Application and Data"), not tools
            name = _MICROSOFT_RENAME.get(display, display)
            if _key(display) in _MICROSOFT_DROP and builder.find(name) is None:
                continue
            category = _guess_category(name, source.get("shortDescription", ""))
        aliases = [display] if _key(display) != _key(name) else []
        aliases += [a for a in info.get("aliases", []) if len(a) > 2]
        builder.add(name, category, "microsoft", aliases)


_ALIAS_FILLER_WORDS = frozenset({
    "apache", "google", "microsoft", "amazon", "aws", "azure", "adobe", "autodesk", "atlassian", "hashicorp",
    "ibm", "oracle", "js", "lang", "language", "programming", "framework", "db", "database", "css", "the",
})


def _slug_to_alias(slug: str, skill: str) -> str | None:
    """A GitHub alias slug as people would write it, or None when it is too loose to be a name.

    Slugs are loose ("review" for code review, "linux-kernel" for Linux), so only three kinds are
    kept: listed single words (k8s, golang), the skill's name spelled with vendor or filler words
    ("apache-cassandra", "rust-lang"), and acronym expansions ("site-reliability-engineering").
    """
    if slug in _GITHUB_ALIAS_OK:
        return slug
    words = slug.split("-")
    if len(words) < 2 or any(ch.isdigit() for ch in slug) or slug.endswith(_GITHUB_BAD_SUFFIXES):
        return None
    skill_words = [w for w in re.split(r"[^a-z0-9+#]+", skill.casefold()) if w]
    skill_compact = "".join(skill_words)
    rest = [w for w in words if w not in skill_words]
    compact = "".join(words)
    if compact == skill_compact or (skill_compact in compact and all(w in _ALIAS_FILLER_WORDS for w in rest)):
        return " ".join(words)
    if len(words) >= 2 and "".join(w[0] for w in words) == skill_compact:
        return " ".join(words)
    return None


def _add_github(builder: _Builder, path: Path) -> None:
    add = set(_GITHUB_ADD)
    for row in sorted(_read_csv(path), key=lambda r: r["topic"]):
        topic = row["topic"]
        display = re.sub(r"\s*\([^)]*\)$", "", row["display_name"].strip())  # "Google Cloud Platform (GCP)"
        slugs = _split_multi(row["aliases"])
        name = _GITHUB_RENAME.get(topic, display)
        draft = builder.find(name) or builder.find(display) or builder.find(topic)
        if draft is None and topic in add:
            draft = next((d for d in map(builder.find, slugs) if d is not None), None)
            if draft is None:
                draft = builder.add(name, _guess_category(name, row["short_description"]), "github")
        if draft is None:
            continue
        draft.sources.add("github")
        aliases = [a for a in (_slug_to_alias(slug, draft.skill) for slug in slugs) if a]
        if _key(display) != _key(draft.skill) and topic in add and len(display.split()) > 1:
            aliases.append(display)  # single-word display names are loose ("Next", "Nest")
        builder.add_aliases(draft, aliases, "github")


def summarize(entries: Sequence[TaxonomyEntry]) -> dict[str, int]:
    """Number of skills per category, in :data:`CATEGORIES` order."""
    counts = Counter(e.category for e in entries)
    return {c: counts.get(c, 0) for c in CATEGORIES}


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: build the taxonomy CSV from the shared data folder and print a summary."""
    summary = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m core.skills_taxonomy", description=summary)
    parser.add_argument("--data", type=Path, required=True, help="shared data folder (holds skills/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_TAXONOMY_PATH, help="CSV to write")
    args = parser.parse_args(argv)
    entries = build_taxonomy(args.data)
    write_taxonomy(entries, args.out)
    n_aliases = sum(len(e.aliases) for e in entries)
    size = args.out.stat().st_size
    print(f"wrote {len(entries)} skills, {n_aliases} aliases, {size:,} bytes to {args.out}")  # noqa: T201
    for category, count in summarize(entries).items():
        print(f"  {category:22s} {count:5d}")  # noqa: T201
    from core.skill_descriptions import build_descriptions, write_descriptions

    descriptions = build_descriptions(entries, args.data)
    target = args.out.with_name("skill_descriptions.csv")
    write_descriptions(descriptions, target)
    print(f"wrote descriptions of {len(descriptions)} skills to {target}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
