// A short English CV for the "Try a sample" button of the CV against job ad view. It shares part of
// the sample job ad's requirements (Java, SQL, Git, teamwork), lacks others (Python, Docker, project
// management) and brings skills the ad does not ask for (machine learning, teaching), so every part
// of the comparison has something to show.
export const SAMPLE_CV = `Anna Peeters, back-end developer

Profile
Developer with five years of experience building web services for a bank and an online shop. I like clean code, careful testing and explaining technical choices to non-technical colleagues.

Experience
2021-2026 Back-end developer, ShopCo, Ghent
- Developed payment and order services in Java with Spring Boot
- Wrote SQL queries and designed database schemas for PostgreSQL
- Used Git for version control and reviewed code of junior developers
- Worked in a small team with designers and testers

2019-2021 Junior developer, FinBank, Antwerp
- Maintained internal tools on Linux servers
- Trained a machine learning model to detect fraudulent payments

Education
Master in computer science, Ghent University

Other
Taught programming to secondary school pupils as a volunteer. Languages: Dutch (native), English (fluent), French (good).`;
