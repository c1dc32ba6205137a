// Fixed job-ad texts for the benchmarks, kept here (not the app's sample ad) so that figures stay
// comparable when the UI's sample changes. `adOfWords(n)` cuts the long ad at the paragraph boundary
// nearest to n words; the texts have what real ads have: a title, prose, bullet lists, a skills
// section, an offer, contact lines.

const PARTS: string[] = [
  `Senior Data Engineer (Python / SQL / Cloud), full time, Rotterdam or hybrid`,
  `About the company
We are a fast-growing company in the energy sector that helps grid operators and utilities plan, monitor and balance the power network. Our platform collects measurements from more than two million smart meters and thousands of substations every few minutes, and turns them into forecasts, alerts and reports that engineers use every day. We are about 180 people from 25 countries, and our engineering teams work in small, autonomous groups that own their services from design to production.`,
  `Your role
As a senior data engineer you will design, build and operate the data pipelines that move measurements from the field into our analytics platform. You will work closely with data scientists, back-end developers, product owners and the operations team, and you will mentor junior engineers. You take ownership of data quality, reliability and cost, and you help us decide which tools and practices we adopt next.`,
  `What you will do
- Design and maintain batch and streaming data pipelines in Python and SQL
- Model data for analytics and reporting in our cloud data warehouse
- Build and maintain ETL processes with Apache Airflow and dbt
- Process event streams with Apache Kafka and Apache Spark
- Write automated tests for data pipelines and monitor data quality
- Manage infrastructure as code with Terraform on Microsoft Azure and Amazon Web Services
- Containerise services with Docker and deploy them on Kubernetes
- Tune database performance and query plans for PostgreSQL
- Document data models, lineage and operating procedures
- Take part in the on-call rotation and lead incident reviews
- Coach junior colleagues through code reviews and pair programming`,
  `What we are looking for
- A master's degree in computer science, mathematics, physics or a related field, or equivalent experience
- At least five years of experience in data engineering or back-end software development
- Excellent knowledge of Python and SQL; experience with Scala or Java is a plus
- Hands-on experience with distributed data processing and message queues
- Experience with cloud computing, preferably Azure or AWS, and with continuous integration and delivery
- Understanding of data governance, data protection and the GDPR
- Knowledge of statistics and machine learning is an advantage
- Strong analytical thinking and problem-solving skills
- Good communication skills in English, written and spoken; Dutch or German is an advantage
- You enjoy working in an agile team, share knowledge generously and take responsibility for results`,
  `What we offer
A permanent contract with a competitive salary, a 13th month and an annual bonus, 27 holidays, a pension plan, a personal training budget of 2,500 euros per year, flexible working hours and the option to work from home three days a week. Our office is next to Rotterdam Central Station. You get a laptop of your choice, a public transport pass, and time to go to conferences and to contribute to open source projects.`,
  `How to apply
Send your CV and a short motivation letter through our careers page before 15 March. If you have questions about the role, call our recruiter on +31 10 000 0000 or write to careers@example.com. We review every application within ten working days. An assessment may be part of the selection procedure. We welcome applicants of every background, gender, age and ability; if you need an adjustment during the selection process, tell us and we will arrange it.`,
  `Second position in the same team: Junior Data Analyst
We are also looking for a junior data analyst who will join the analytics team and support engineers and customers with reports and dashboards. You will clean and combine data from several sources, build dashboards in Power BI, write SQL queries, and explain your findings to colleagues without a technical background. You will prepare monthly reports on network load and outages for our customers, check the data for errors and report problems to the data engineering team.`,
  `For this junior role we ask
- A bachelor's degree in economics, statistics, business administration, information science or a similar field
- Good knowledge of Microsoft Excel and basic knowledge of SQL
- Interest in data visualisation and reporting, and some experience with Power BI or Tableau
- Accuracy, curiosity and a structured way of working
- Good command of Dutch and English
- Willingness to learn Python and statistics on the job; we provide training and a mentor`,
  `Working at our company
Every new colleague follows a four-week onboarding programme with a buddy from another team. Teams plan their work in two-week sprints and demonstrate results to the whole company every month. We organise internal training on software engineering, data analysis, presentation skills and project management, and we support colleagues who want to obtain certifications. Twice a year, all teams spend a week on improvements of their own choice. Safety, integrity and respect are at the heart of how we work with each other, with customers and with suppliers. Our customers are grid operators, energy suppliers, municipalities and industrial companies across the Netherlands, Belgium and Germany, and we work with universities on research into forecasting and grid stability.`,
  `Responsibilities shared by both roles
- Keep customer data confidential and follow our information security policy
- Report risks and incidents promptly
- Contribute to the continuous improvement of our processes and tools
- Plan your own work, meet deadlines and keep stakeholders informed
- Prepare clear documentation and give presentations to colleagues and customers
- Support sales and customer success colleagues with technical questions during tenders`,
  `About the team
The data platform team has eight members: four data engineers, two analytics engineers, a site reliability engineer and a product owner. The team is responsible for ingestion, storage, transformation and access to all measurement data, and for the tools that data scientists use to train and deploy forecasting models. We value clean code, automated testing, clear architecture decisions and honest feedback. We hold short daily stand-ups, plan together every two weeks and review our way of working after every sprint. Most of us work from the office on Tuesdays and Thursdays, when we also have lunch together and invite speakers from other companies.`,
];

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const FULL = PARTS.join('\n\n');

/** The ad's first paragraphs up to about n words (whole paragraphs; the whole ad when n exceeds it). */
export function adOfWords(n: number): string {
  let text = PARTS[0];
  for (const p of PARTS.slice(1)) {
    const next = `${text}\n\n${p}`;
    // Take the paragraph when that lands nearer to n than stopping before it.
    if (Math.abs(wordCount(next) - n) > Math.abs(wordCount(text) - n) && wordCount(text) >= n * 0.8) break;
    text = next;
  }
  return text;
}

export const FULL_AD_WORDS = wordCount(FULL);
