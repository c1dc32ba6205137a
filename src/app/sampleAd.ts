// A realistic English job ad for the "Try a sample job ad" button (about 300 words).
export const SAMPLE_JOB_AD = `Software Developer (Java / Python), full time, Brussels or remote

About us
We are a mid-sized logistics software company building route planning and warehouse tools used by more than 400 customers across Europe. Our product teams work in short iterations, ship to production every day and care about clean, well-tested code.

Your role
As a software developer you will design, build and maintain back-end services that process millions of shipment events per day. You will work closely with product owners, testers and designers, take part in code reviews and help new colleagues find their way.

What you will do
- Develop and maintain services in Java and Spring Boot
- Write data pipelines and automation scripts in Python
- Design database schemas and write efficient SQL queries for PostgreSQL
- Build and consume REST APIs and integrate third-party systems
- Write unit tests and integration tests, and keep our continuous integration pipeline green
- Take part in project management: estimate work, plan sprints with the team and report progress
- Troubleshoot production incidents together with the operations team

What we are looking for
- A degree in computer science or equivalent experience
- At least three years of experience in Java programming
- Good knowledge of SQL and relational databases
- Experience with Python, Git and Linux
- Familiarity with Docker and cloud computing (AWS or Azure) is a plus
- Strong teamwork and communication skills; you enjoy solving problems together
- Fluent English, written and spoken; French or Dutch is an advantage
- Attention to detail and a willingness to learn

What we offer
A permanent contract, flexible working hours, two days a week in our Brussels office, a yearly training budget, and a friendly team that values knowledge sharing. Interested? Send your CV and a short motivation letter to jobs@example.com before 30 June.`;
