// Cue tables for sections.ts: headings and boilerplate phrases of job ads in the languages of
// European job ads (English, German, French, Spanish, Italian, Dutch, Polish; Danish, Swedish and
// Portuguese where a cue is cheap). Every pattern is written against the FOLDED line (sections.ts
// fold()): lower case, diacritics stripped (ü -> u, é -> e, ą -> a, ł -> l, ß -> ss), every run of
// punctuation and spaces one space, "<ORGANIZATION>"-style masks -> "organization". So "Über uns:"
// is "uber uns", "Qu'est-ce que nous offrons ?" is "qu est ce que nous offrons", "Zakres obowiązków"
// is "zakres obowiazkow".
//
// The cues are generic phrases a reader of ads in that language would agree with, not fitted to any
// one text. Ambiguous headings are left out on purpose: "Was Sie erwartet" / "Wat mag je verwachten"
// / "Cosa ti aspetta" head tasks as often as benefits, Flemish "Voorwaarden" means requirements while
// Dutch "arbeidsvoorwaarden" means benefits, "Offre" / "Oferta" may be the job ad itself. An unknown
// heading neither opens nor closes a section.

/** Why a part of an ad is not analysed (sections.ts). */
export type SectionReason = 'company' | 'benefits' | 'legal' | 'apply' | 'details' | 'heading';

type SkipReason = Exclude<SectionReason, 'heading'>;

const whole = (alternatives: string[]) => new RegExp(`^(?:${alternatives.join('|')})$`);
const anywhere = (alternatives: string[]) => new RegExp(`\\b(?:${alternatives.join('|')})\\b`);

/** Headings of the job itself ("Requirements", "Ihr Profil", "Vos missions"): they end a skipped section. */
export const JOB_HEADING = whole([
  // English
  'about (?:the|this) (?:role|job|position|opportunity)',
  '(?:the |your )?(?:role|job|position)(?: description| summary| overview| details| purpose)?',
  'job (?:description|summary|details|responsibilities|requirements|duties|functions|purpose)',
  '(?:the )?(?:key |main |primary |core |essential |principal )?(?:responsibilit(?:y|ies)|duties|tasks|accountabilities)(?: and (?:responsibilities|duties|requirements|qualifications))?(?: include)?',
  'what (?:you ll|you will) (?:do|be doing)',
  'what you do',
  'your (?:tasks|role|responsibilities|profile|skills|mission|impact|day to day)',
  'day to day',
  'description',
  '(?:technologies|tech stack|the stack|technical skills|tools and technologies)',
  '(?:requirements?|qualifications?|skills|experience|competenc(?:y|ies)|education|knowledge)(?: required| and experience| and qualifications| and skills| needed)?',
  '(?:minimum|basic|preferred|required|desired|desirable|essential|additional|key|technical) (?:qualifications|requirements|skills|experience|education|competencies|criteria|profile)(?: and (?:experience|education|qualifications|skills))?',
  'additional eligibility qualifications',
  'what (?:we re|we are) looking for',
  'who you are',
  '(?:about )?you',
  'what you (?:bring|need|ll need|will need|have)',
  'nice to have',
  'bonus points',
  'must have',
  'the ideal candidate',
  '(?:a |the )?successful candidate(?: is| will)?',
  'personal (?:qualities|attributes)',
  'person specification',
  // German
  '(?:ihre |deine |die |unsere )?(?:aufgaben(?:gebiet|bereich|schwerpunkte)?|tatigkeit(?:en|sbereich|sschwerpunkte)?|verantwortung(?:en|sbereich)?)',
  '(?:ihr |dein |das |unser )?(?:profil|anforderungsprofil|aufgabengebiet|aufgabenbereich|stellenprofil)',
  '(?:anforderungen|qualifikation(?:en)?|kenntnisse|voraussetzungen|stellenbeschreibung|tatigkeitsbeschreibung|jobbeschreibung)',
  '(?:ihre|deine|unsere) (?:qualifikation(?:en)?|kenntnisse|erfahrung(?:en)?|kompetenzen|skills|anforderungen|voraussetzungen|mission)',
  'was (?:sie|du) (?:mitbringen|mitbringst|bei uns (?:tun|tust|machen|machst|bewegen|bewegst))',
  'das (?:bringen sie|bringst du) mit',
  '(?:was )?wir (?:von (?:ihnen|dir) )?erwarten',
  '(?:wen|wer|was) wir suchen',
  'wir suchen(?: sie| dich)?',
  '(?:wunschenswert|von vorteil)',
  '(?:ausbildung|berufserfahrung|erfahrung)(?: und (?:erfahrung|kenntnisse|qualifikation))?',
  // French
  '(?:vos |tes |les |la |le |votre |ta )?(?:missions?|taches|responsabilites|activites)(?: principales| du poste| et responsabilites)?',
  '(?:description|descriptif|presentation) (?:du poste|de l offre|de la mission|des missions)',
  '(?:le )?poste(?: propose| a pourvoir)?',
  '(?:votre |ton |le )?profil(?: recherche| souhaite| du candidat| requis| attendu)?',
  '(?:vos |les )?(?:competences|qualifications|qualites)(?: requises| recherchees| attendues| techniques)?',
  '(?:exigences|prerequis|formation|experience)(?: requise| souhaitee)?',
  'ce que (?:vous ferez|nous recherchons|vous apporterez)',
  'qui (?:recherchons nous|cherchons nous|etes vous)',
  '(?:est|serait) un plus',
  'atouts?',
  // Spanish
  '(?:tus |sus |las )?(?:funciones|tareas|responsabilidades)(?: principales| del puesto)?',
  'descripcion(?: del puesto| de la oferta| del empleo| completa del empleo| del trabajo)?',
  '(?:tu |su |el )?perfil(?: buscado| requerido| del candidato| deseado)?',
  '(?:requisitos|requerimientos)(?: minimos| deseables| del puesto| imprescindibles)?',
  '(?:que|a quien) buscamos(?: en ti)?',
  'que haras(?: con nosotros)?',
  'cualidades personales',
  'se requiere',
  '(?:experiencia|formacion|estudios)(?: requerida| minima)?',
  '(?:sera|se valorara) un plus',
  'se valora(?:ra)?',
  // Italian
  '(?:le tue |le |i tuoi )?(?:mansioni|responsabilita|attivita|compiti)(?: principali)?',
  'descrizione(?: del ruolo| della posizione| dell offerta| del lavoro| della mansione)?',
  '(?:il )?ruolo',
  '(?:il tuo |il )?profilo(?: ricercato| richiesto| del candidato| ideale)?',
  '(?:requisiti|qualifiche|competenze|esperienza)(?: richiest[ie]| richiesta| minimi| preferenziali| chiave| tecniche| necessari[ae]?)?',
  'cosa farai',
  '(?:formazione|istruzione|titolo di studio)(?: richiest[ao])?',
  '(?:chi|cosa) cerchiamo',
  '(?:costituisce titolo preferenziale|titoli preferenziali)',
  // Dutch
  '(?:jouw |je |uw |de )?(?:taken|werkzaamheden|verantwoordelijkheden)(?: en verantwoordelijkheden)?',
  '(?:functie|job)(?:omschrijving|beschrijving|inhoud|eisen|profiel)',
  'takenpakket',
  '(?:jouw |je |uw |het )?profiel',
  '(?:wat|wie) (?:wij|we) (?:zoeken|vragen)',
  'wat vragen (?:wij|we)',
  '(?:wij|we) vragen(?: van (?:jou|je|u|onze nieuwe collega))?',
  'wie (?:ben jij|ben je|zoeken wij|zoeken we)',
  'wat (?:ga (?:je|jij) doen|breng (?:je|jij) mee|neem (?:je|jij) mee)',
  '(?:eisen|vereisten|kwalificaties|competenties)',
  '(?:jouw|je) (?:ervaring|kennis|vaardigheden)',
  '(?:opleiding|ervaring|kennis)(?: en (?:ervaring|opleiding|vaardigheden))?',
  // Polish
  '(?:twoj |twoje |nasz |nasze )?(?:zakres (?:obowiazkow|zadan|odpowiedzialnosci)|obowiazki|zadania)',
  '(?:nasze )?(?:wymagania|kwalifikacje|oczekiwania)(?: niezbedne| dodatkowe| konieczne| pozadane| obowiazkowe| wobec kandydata)?',
  '(?:od kandydatow )?oczekujemy',
  '(?:czego oczekujemy|kogo szukamy|mile widziane|twoj profil|opis stanowiska)',
  'czym (?:bedziesz sie|sie bedziesz) zajmowac',
  '(?:wyksztalcenie|doswiadczenie)(?: i (?:doswiadczenie|umiejetnosci))?',
  // Danish, Swedish, Portuguese
  '(?:dine )?(?:arbejds)?opgaver',
  'din profil',
  '(?:kvalifikationer|vi forventer|krav|om stillingen|jobbet)',
  '(?:dina )?arbetsuppgifter',
  '(?:meriterande|om tjansten|vi soker dig som)',
  '(?:as )?(?:responsabilidades|funcoes)',
  '(?:descricao da (?:vaga|funcao)|o que procuramos)',
]);

/**
 * A short label line ending in ":" with one of these words is a job heading too ("Konkret fallen
 * folgende Aufgaben an:", "Wymagania dodatkowe:", "Required skills for this role:").
 */
export const JOB_LABEL_WORDS = anywhere([
  'aufgaben',
  'anforderung\\w*',
  'profil\\w*',
  'qualifi\\w*',
  'kenntnisse',
  'requirements?',
  'responsibilit\\w*',
  'duties',
  'tasks',
  'skills',
  'missions?',
  'competences',
  'requisit\\w*',
  'funciones',
  'responsabil\\w*',
  'mansioni',
  'wymagan\\w*',
  'obowiazk\\w*',
  'taken',
  'vereisten',
]);

/** Headings that open a section that is not about the job. */
export const SKIP_HEADINGS: [SkipReason, RegExp][] = [
  [
    'company',
    whole([
      'about (?:us|the company|our company|the team|our team|organization|organisation)',
      'who we are',
      'our (?:company|story|mission|culture|team)',
      'company (?:description|overview|profile|info)',
      'the company',
      'why (?:us|join us|work (?:for|with) us|organization)',
      'life at organization',
      // de
      '(?:uber|ueber) (?:uns|organization|das unternehmen|die firma|unser unternehmen)',
      'wir uber uns',
      'wer (?:wir sind|sind wir)',
      'das sind wir',
      '(?:das |unser )?unternehmen(?:sprofil|sbeschreibung)?',
      'arbeitgeberprofil',
      // fr
      'qui sommes nous',
      'a propos(?: de nous| d organization| de l entreprise| de la societe)?',
      '(?:l |notre )?(?:entreprise|societe|structure|association)',
      'presentation(?: de l entreprise| de la societe| de la structure| de l association| d organization)?',
      'description de (?:l entreprise|la societe)',
      'organization en bref',
      // es
      '(?:sobre|acerca de) (?:nosotros|organization|la empresa)',
      'quienes somos',
      '(?:la |nuestra )?(?:empresa|compania)',
      'descripcion de la empresa',
      // it
      'chi siamo',
      'chi e organization',
      '(?:l |la |la nostra )?(?:azienda|societa)',
      'descrizione dell azienda',
      // nl
      'over (?:ons|organization|het bedrijf|de organisatie)',
      'wie (?:zijn wij|zijn we|we zijn)',
      '(?:het bedrijf|de organisatie|bedrijfsprofiel|ons bedrijf)',
      // pl
      'o (?:nas|firmie|organization|pracodawcy|spolce)',
      'kim jestesmy',
      '(?:nasza )?firma',
      // da, sv, pt
      'om (?:os|oss|virksomheden|foretaget|organization)',
      '(?:hvem er vi|vilka vi ar|sobre nos|quem somos|a empresa)',
    ]),
  ],
  [
    'benefits',
    whole([
      '(?:our |the |employee |your )?benefits(?: and perks| package)?',
      'perks(?: and benefits)?',
      'what (?:we|you ll|you will|you can) (?:offer|get|expect)',
      'what s in it for (?:you|me)',
      '(?:we|what we) offer(?: you)?',
      'our offer',
      '(?:compensation|salary|pay|remuneration)(?: and benefits| range| package)?',
      '(?:the )?package',
      'job benefits',
      'why you ll love (?:it|working here)',
      'rewards',
      'working conditions',
      'terms(?: and conditions)? of employment',
      // de
      '(?:was )?wir (?:ihnen |dir |euch )?bieten(?: (?:ihnen|dir|euch))?(?: an)?',
      'das bieten wir(?: (?:ihnen|dir|euch))?',
      'was bieten wir(?: (?:ihnen|dir|euch))?',
      'unser angebot(?: an (?:sie|dich))?',
      '(?:ihre |deine |unsere )?(?:vorteile|zusatzleistungen)',
      'darauf (?:konnen sie sich|kannst du dich) freuen',
      '(?:.* )?freuen sie sich auf',
      'freu dich auf',
      '(?:vergutung|verguetung|gehalt)(?: und (?:benefits|zusatzleistungen))?',
      'arbeitsbedingungen',
      'warum (?:wir|uns|organization)',
      'was sie erwarten konnen',
      // fr
      '(?:ce que )?nous (?:vous )?(?:offrons|proposons)',
      '(?:nos |vos |les |autres )?avantages(?: sociaux)?',
      'pourquoi (?:nous rejoindre|rejoindre organization|nous choisir)',
      '(?:remuneration|salaire)(?: et avantages)?',
      'notre offre',
      'conditions(?: du contrat| de travail| d emploi| et avantages)?',
      // es
      '(?:que |lo que )?(?:te |le |les )?ofrecemos',
      'beneficios(?: sociales)?',
      'nuestra oferta',
      'condiciones(?: laborales| de trabajo| del puesto)?',
      '(?:salario|remuneracion|retribucion)(?: y beneficios)?',
      'por que (?:unirte|trabajar) (?:a nosotros|con nosotros|en organization)',
      'ventajas',
      // it
      '(?:cosa |che cosa )?(?:ti |vi )?offriamo',
      '(?:benefit|vantaggi|compenso|retribuzione|stipendio)',
      'perche lavorare con noi',
      'condizioni(?: contrattuali| di lavoro)?',
      'la nostra offerta',
      // nl
      '(?:wat )?(?:wij|we) (?:je |jou |u )?bieden(?: (?:je|jou|u))?(?: o a| onder andere| onder meer)?',
      'wat bieden (?:wij|we)(?: (?:je|jou|u))?',
      '(?:ons|het) aanbod',
      '(?:secundaire )?arbeidsvoorwaarden',
      'voordelen',
      'salaris(?: en arbeidsvoorwaarden)?',
      'wat krijg (?:je|jij)(?: ervoor terug| van ons)?',
      'wat mag (?:je|jij) van ons verwachten',
      // pl
      '(?:co )?(?:oferujemy|zapewniamy)',
      'nasza oferta',
      'benefity',
      'warunki (?:zatrudnienia|pracy)(?: i placy)?',
      'wynagrodzenie',
      'co (?:zyskujesz|mozemy ci zaoferowac)',
      // da, sv, pt
      '(?:hvad )?vi tilbyder',
      '(?:vad )?vi erbjuder',
      'formaner',
      '(?:o que )?oferecemos',
      'vantagens',
    ]),
  ],
  [
    'legal',
    whole([
      'equal (?:employment )?opportunit(?:y|ies)(?: employer)?',
      'eeo(?: statement)?',
      'diversity(?: and inclusion)?(?: statement)?',
      'disclaimer',
      'legal',
      'privacy(?: notice| policy| statement)?',
      'data protection',
      'accommodations?',
      // de
      'datenschutz(?:hinweise?|erklarung|informationen)?',
      'chancengleichheit',
      'rechtliche hinweise',
      // fr
      '(?:protection des )?donnees personnelles',
      'protection des donnees',
      'diversite(?: et inclusion)?',
      'mentions legales',
      // es
      'proteccion de datos',
      'aviso legal',
      'igualdad de oportunidades',
      // it
      'informativa(?: sulla)? privacy',
      'trattamento dei dati(?: personali)?',
      // nl
      'privacyverklaring',
      'gelijke kansen',
      // pl
      'klauzula (?:informacyjna|rodo)(?: rodo)?',
      'rodo',
      'ochrona danych osobowych',
      'informacja o przetwarzaniu danych osobowych',
    ]),
  ],
  [
    'apply',
    whole([
      'how to apply',
      'to apply',
      'application(?: process)?',
      'apply(?: now| here| today)?',
      'next steps',
      '(?:are you |you re )?interested',
      'contact(?: us| information| details| person)?',
      '(?:selection|recruitment|hiring) process',
      '(?:closing|application) (?:date|deadline)',
      // de
      'kontakt(?:daten)?',
      '(?:ihr |dein |ihre |deine )?ansprechpartner(?:in)?',
      '(?:ihre |deine )?bewerbung(?:sprozess|sverfahren|sfrist|sschluss)?',
      'so (?:bewerben sie sich|bewirbst du dich)',
      '(?:jetzt )?bewerben',
      'interessiert',
      'interesse(?: geweckt)?',
      '(?:haben wir )?(?:ihr|dein) interesse geweckt',
      'neugierig(?: geworden)?',
      'ist das was fur (?:dich|sie)',
      // fr
      '(?:comment|pour) postuler',
      'postuler',
      'candidature',
      '(?:pour )?nous contacter',
      '(?:vous etes )?interesse(?: e)?',
      'informations sur la procedure',
      '(?:procedure|processus|modalites|etapes) (?:de recrutement|de candidature|de selection)',
      // es
      'como (?:aplicar|postularse|postular|inscribirse|presentar tu candidatura)',
      'contacto',
      'proceso de seleccion',
      'interesad[oa](?: a)?',
      'te interesa',
      // it
      'come candidarsi',
      '(?:modalita di )?candidatura',
      'contatt[oi]',
      'processo di selezione',
      'interessat[oa]',
      // nl
      'solliciteren',
      'sollicitatie(?:procedure)?',
      'hoe (?:solliciteer je|te solliciteren)',
      'geinteresseerd',
      'contactgegevens',
      'meer informatie',
      'selectieprocedure',
      // pl
      'jak aplikowac',
      'aplikuj(?: teraz)?',
      'rekrutacja',
      'proces rekrutacji',
      '(?:wymagane |wykaz )?dokument(?:y|ow)(?: .*)?',
      '(?:okreslenie )?(?:miejsc[ea]|termin[u]?|sposob)(?: i (?:termin[u]?|miejsc[ea]|sposob))? (?:zlozenia|skladania)(?: .*)?',
      'postepowanie kwalifikacyjne(?: .*)?',
      'zainteresowany(?: a)?',
      // da, sv, pt
      '(?:ansogning|sadan soger du|ansokan|sa soker du)',
      'como candidatar(?: se)?',
    ]),
  ],
];

/**
 * Keys of an ad's job details: where, which contract, which hours, from when (job boards print them
 * as "Lieu : Les Ulis", "Type de poste : CDI - Temps plein", or as a heading line with the value on
 * the next lines: "Tipo de empleo" / "Contrato temporal", "Turno y horario" / "Turno rotativo"). Their
 * values are places, contracts and schedules, never skills, yet the model reads them as skills of
 * whatever they look like ("Turno rotativo" -> "repair rotating equipment", "Tuineje" -> "tuning
 * techniques"). Pay is a benefits heading (SKIP_HEADINGS); "job details" heads duties as often as
 * these keys, so it is not one.
 */
export const DETAIL_KEYS = whole([
  // English
  '(?:job |work |primary )?location',
  '(?:job|employment|contract|position) type',
  'type of (?:contract|employment|position)',
  '(?:working |work )?(?:hours|schedule)',
  'shift(?: and schedule)?',
  '(?:start|starting|closing) date',
  'date posted',
  // de
  '(?:standort|arbeitsort|einsatzort|dienstort)',
  '(?:arbeitszeit|wochenarbeitszeit|anstellungsart|vertragsart|beschaftigungsart|art der anstellung|befristung)',
  '(?:startdatum|eintrittsdatum|eintrittstermin|beginn)',
  // fr
  '(?:lieu(?: de travail)?|localisation)',
  'type (?:de |d )(?:poste|contrat|emploi)',
  '(?:contrat|horaires?|temps de travail|date de (?:debut|prise de poste))',
  // es
  'tipo de (?:empleo|contrato|jornada)',
  '(?:ubicacion|lugar de trabajo|localizacion|jornada(?: laboral)?|horario|turno(?: y horario)?|fecha de incorporacion)',
  // it
  '(?:sede(?: di lavoro)?|luogo di lavoro|localita)',
  'tipo(?:logia)? (?:di )?contratto',
  '(?:contratto|orario(?: di lavoro)?|data di inizio)',
  // nl
  '(?:locatie|standplaats|werklocatie|werkplek)',
  '(?:soort )?dienstverband',
  '(?:contracttype|contractvorm|type contract|uren(?: per week)?|werktijden|startdatum)',
  // pl
  '(?:miejsce pracy|lokalizacja)',
  '(?:rodzaj|typ) umowy',
  '(?:forma zatrudnienia|wymiar (?:czasu pracy|etatu)|godziny pracy|data rozpoczecia)',
]);

/** Boilerplate phrases that mark a line (or, for benefits and apply, the rest of a line) as not about the job. */
export const LINE_CUES: [SkipReason, RegExp][] = [
  [
    'legal',
    anywhere([
      // English
      'equal (?:employment )?opportunit(?:y|ies) (?:employer|workplace)',
      'without regard to\\b.*\\b(?:race|religion|sex|gender|age|disability|national origin)',
      'regardless of (?:their )?(?:race|religion|sex|gender|age|disability|sexual orientation|national origin)',
      // a list of protected traits counts only with a word of the EEO statement around it ("Tolerant attitude towards people of other race, religion" is a requirement)
      '^(?=.*\\b(?:discriminat\\w*|employers?|applicants?|candidates?|consideration|protected|opportunit\\w*|eligible|no matter|irrespective|respected)\\b).*\\b(?:race|color|religion|national origin|sexual orientation|gender identity|veteran status|genetic information)\\b.*\\b(?:race|color|religion|national origin|sexual orientation|gender identity|veteran status|genetic information|disability)',
      'reasonable accommodations?',
      'e verify',
      'affirmative action',
      '(?:encourage|welcome) (?:applications|applicants|candidates) from',
      'this job description is not (?:designed|intended|meant) to',
      '(?:process|store|retain|use)\\w* (?:of )?your (?:personal )?data',
      'no (?:recruitment )?agencies',
      // German
      'unabhangig von (?:ihrem |deinem )?(?:geschlecht|alter|herkunft|nationalitat|religion|behinderung|sexueller|ethnischer|weltanschauung)',
      'bei gleicher eignung',
      'schwerbehinderte\\w* (?:menschen|bewerber\\w*|personen)',
      'bewerbungen von (?:frauen|menschen|personen)',
      '(?:fordern|leben|begrussen|wertschatzen|stehen fur)\\b.{0,40}\\b(?:chancengleichheit|vielfalt|diversitat)',
      '^(?=.*\\b(?:verarbeit\\w*|gespeichert|speicher\\w*|einwillig\\w*|geloscht|datenschutz\\w*|dsgvo)\\b).*\\b(?:ihre|deine|ihrer|deiner) (?:personenbezogenen |bewerbungs)?daten',
      'datenschutz(?:erklarung|hinweise|informationen)',
      // French
      'a competences egales',
      '(?:ouvert|accessible)s? (?:a tous|aux (?:personnes|travailleurs|candidats) (?:en situation de handicap|handicapes))',
      '(?:engag\\w*|attach\\w*|favoris\\w*|promouv\\w*|politique|signataire)\\b.{0,40}\\b(?:egalite des chances|egalite professionnelle|diversite|inclusion)',
      '(?:vos|tes) donnees (?:personnelles|a caractere personnel)',
      // Spanish
      '(?:promovemos|garantizamos|comprometid\\w*|fomentamos|respetamos|principio de|politica de)\\b.{0,40}\\b(?:igualdad|diversidad|inclusion)',
      'igualdad de oportunidades entre',
      'sin (?:ningun tipo de )?(?:distincion|discriminacion) (?:de|por)',
      '(?:tus|sus) datos (?:personales|de caracter personal)',
      // Italian
      'entrambi i sessi',
      '(?:rispetto|garantisc\\w*|principio) (?:delle |di )?pari opportunita',
      '(?:autorizz\\w*|consenso) .{0,40}trattamento',
      'ai sensi (?:del|dell|della|degli)\\b.{0,40}\\b(?:196|679|gdpr|903)',
      // Dutch
      'ongeacht (?:geslacht|leeftijd|afkomst|religie|geloof|seksuele|etniciteit|achtergrond|handicap|nationaliteit)',
      '(?:streven naar|staan voor|vinden)\\b.{0,40}\\b(?:diversiteit|inclusie|gelijke kansen)',
      'acquisitie (?:naar aanleiding|n a v|op deze|wordt niet)',
      '(?:je|jouw|uw) persoonsgegevens',
      // Polish (RODO consent clauses)
      '(?:wyrazam|wyrazenie|wyrazeniu|wyrazenia) zgod\\w* na przetwarzanie',
      'zgod\\w* na przetwarzanie (?:moich |twoich )?danych',
      'przetwarzanie (?:moich|twoich|pani|pana|panstwa) danych',
      'administratorem (?:danych|pani|pana|panstwa|twoich)',
      'klauzula informacyjna',
      'niezaleznie od (?:plci|wieku|pochodzenia|wyznania|niepelnosprawnosci|orientacji)',
      // Danish, Swedish, Portuguese
      'uanset (?:kon|alder|etnisk|religion|handicap|seksuel)',
      'oavsett (?:kon|alder|etnisk|religion|funktionsnedsattning|sexuell)',
      'igualdade de oportunidades',
      'independentemente (?:de|da|do) (?:genero|idade|raca|religiao|origem|orientacao|deficiencia)',
    ]),
  ],
  [
    'apply',
    anywhere([
      // English ("to apply" alone also reads "you will be required to apply your knowledge")
      '^(?:to apply\\b|interested(?: in (?:this|the) (?:role|position|job|opportunity))?(?: then| please| send| apply| contact| click| get in touch|$))',
      'to apply (?:for this|for the|please|online|now)',
      'apply (?:now|online|today|here|via|through)',
      'send (?:your|us your|us a|in your) (?:cv|resume|application|cover letter)',
      'submit (?:your |an )?(?:cv|resume|application)',
      'click (?:on )?(?:the )?apply',
      'applications? (?:should|must|will) be (?:sent|submitted)',
      'for (?:more|further) information,? (?:please )?(?:contact|call|email|e mail)',
      // German
      'bewerben sie sich',
      'bewirb dich',
      'jetzt bewerben',
      '(?:senden|schicken|richten) sie (?:uns )?(?:bitte )?ihre (?:\\w+ ){0,3}?bewerbung\\w*',
      '(?:schicke|schick|sende|send) uns (?:bitte )?(?:deine|dein|ihre) (?:\\w+ ){0,3}?(?:bewerbung\\w*|lebenslauf|cv)',
      'freuen uns (?:sehr )?(?:auf|uber) (?:ihre|deine|eine|ihre aussagekraftige|deine aussagekraftige) (?:\\w+ )?bewerbung\\w*',
      'wenn (?:sie|du) interesse (?:haben|hast)',
      'bewerbungs(?:schluss|frist)',
      // French
      'envoyez (?:nous )?(?:votre|vos|un) (?:cv|candidature|lettre)',
      'adressez (?:nous )?(?:votre|vos) (?:cv|candidature)',
      'postulez',
      'pour postuler',
      '(?:merci d|veuillez) (?:envoyer|adresser|transmettre) (?:votre|vos)',
      'candidatures (?:doivent|sont a) (?:nous )?(?:parvenir|envoyer|adresser)',
      '(?:phase|processus|procedure) de (?:recrutement|selection)',
      'nous attendons votre candidature',
      'pour (?:plus d|tout(?:e)? (?:renseignement|information|question))',
      // Spanish
      '(?:envia|envianos|mandanos|remitenos|envie) (?:tu|su|el) (?:cv|curriculum|candidatura)',
      'inscribete',
      'postulate',
      'aplica (?:ya|ahora|aqui)',
      'no lo dudes',
      'si (?:crees que )?encajas',
      'para (?:mas|cualquier) informacion',
      // Italian
      'invia(?:ci)? (?:il tuo|la tua|il proprio|un) (?:cv|curriculum|candidatura)',
      'inviare (?:il proprio |il )?(?:cv|curriculum)',
      'candidati (?:ora|subito)',
      'per candidar(?:si|ti)',
      'le candidature (?:dovranno|devono)',
      'per (?:maggiori|ulteriori) informazioni',
      // Dutch
      'stuur\\b.{0,40}\\b(?:cv|sollicitatie|motivatie\\w*|brief)',
      'solliciteer (?:direct|nu|dan|vandaag|via|online)',
      'reageer (?:direct|nu|dan|voor)',
      'sollicitaties (?:kun je|kunt u|kunnen)',
      'voor meer informatie',
      'sluitingsdatum',
      // Polish
      '(?:wyslij|przeslij|przeslac|wysylaj|prosimy o przeslanie)\\b.{0,30}\\b(?:cv|aplikacj\\w*|dokument\\w*|zgloszen\\w*)',
      'aplikuj',
      'nie (?:beda|zostana) rozpatrywane',
      'dokumenty (?:aplikacyjne )?nalezy (?:skladac|przeslac|zlozyc)',
      'informacj\\w* .{0,40}(?:pod numerem|mozna uzyskac)',
      'termin (?:skladania|zlozenia) (?:dokumentow|ofert|aplikacji)',
      // Danish, Swedish, Portuguese
      'send (?:din|en) ansogning',
      'sog stillingen',
      'skicka (?:in )?din (?:ansokan|cv)',
      'envie (?:o seu|seu|o teu) (?:cv|curriculo)',
    ]),
  ],
  [
    'benefits',
    anywhere([
      // English
      '^we offer\\b',
      'we offer (?:a |an )?(?:competitive|attractive|generous)',
      'competitive (?:salary|compensation|pay|benefits)',
      'benefits (?:include|package)',
      '(?:health|dental|vision|life) insurance',
      '401 ?k',
      'paid (?:time off|vacation|holidays?|parental leave)',
      'pension (?:scheme|plan)',
      'stock options',
      // German
      '^wir bieten\\b',
      '(?:attraktive|leistungsgerechte|faire|ubertarifliche) (?:vergutung|bezahlung|gehalt)',
      'betriebliche altersvorsorge',
      '\\d+ (?:tage )?urlaub(?:stage)?',
      '(?:jobrad|jobticket|dienstrad)',
      '(?:die )?vergutung (?:erfolgt|orientiert sich)',
      // French
      '^nous (?:vous )?(?:offrons|proposons)\\b',
      '^(?:autres )?avantages',
      '^(?:remuneration|salaire)\\b',
      '(?:salaire|remuneration) (?:attractif|attractive|motivant|motivante|competitif|competitive)',
      'tickets? restaurant',
      'conges payes',
      // Spanish
      '^(?:te |le |les )?ofrecemos\\b',
      'salario competitivo',
      'seguro medico',
      // Italian
      '^(?:ti |vi )?offriamo\\b',
      '(?:retribuzione|stipendio) (?:competitiv\\w*|commisurat\\w*|adeguat\\w*)',
      'buoni pasto',
      'welfare aziendale',
      // Dutch
      '^(?:wij|we) bieden\\b',
      '(?:goed|marktconform|aantrekkelijk|uitstekend) salaris',
      'pensioenregeling',
      'vakantiegeld',
      'reiskostenvergoeding',
      '(?:dertiende maand|13e maand)',
      'conform (?:de )?cao',
      // Polish
      '^oferujemy\\b',
      '(?:atrakcyjne|konkurencyjne) wynagrodzenie',
      'prywatn\\w* opiek\\w* medyczn\\w*',
      'multisport',
      // Danish, Swedish, Portuguese
      '^(?:vi tilbyder|vi erbjuder|oferecemos)\\b',
    ]),
  ],
  [
    'company',
    anywhere([
      // English
      '(?:we are|we re) (?:a|an|the) (?:leading|global|fast growing|growing|innovative|world leading|award winning|international)',
      '(?:was|were) founded in',
      'our mission is',
      'is (?:a|an|the) (?:leading|global|fast growing|world leading) (?:\\w+ ){0,4}(?:company|provider|organization|organisation|firm|group|agency|business)',
      'headquartered in',
      // German
      'wir sind (?:ein|eine|einer|eines)(?: der)? (?:\\w+ ){0,2}?(?:fuhrende\\w*|international\\w*|weltweit\\w*|erfolgreiche\\w*|wachsende\\w*|mittelstandische\\w*|innovative\\w*|familiengefuhrte\\w*|inhabergefuhrte\\w*|gemeinnutzige\\w*|etablierte\\w*)',
      '(?:ist|sind) (?:ein|eine|einer|eines)(?: der)? (?:fuhrende\\w*|weltweit fuhrende\\w*|international tatige\\w*|gemeinnutzige\\w*|mittelstandische\\w*)',
      'mit sitz in',
      'gegrundet (?:im jahr |in )?\\d{4}',
      '\\d{4} gegrundet',
      // French
      '(?:fondee?|creee?) en \\d{4}',
      'nous sommes (?:un|une|le|la|l) (?:leader|acteur|entreprise|groupe|societe|cabinet|agence|start up|association|reseau|specialiste)',
      '(?:est|sont) (?:un|une|le|la|l) (?:leader|acteur majeur|reference|pionnier|specialiste) (?:de|du|des|en|dans)',
      'leader (?:europeen|mondial|francais|national|du marche)',
      // Spanish
      '(?:fundada|creada) en \\d{4}',
      'somos (?:una|un|el|la) (?:empresa|compania|grupo|lider|consultora|multinacional|organizacion|startup)',
      '(?:empresa|compania|grupo) lider',
      'con presencia en \\d+ paises',
      // Italian
      '(?:fondata|fondato|nata|nato) nel \\d{4}',
      'siamo (?:una|un|il|la|l) (?:azienda|societa|gruppo|leader|realta|startup|organizzazione)',
      '(?:azienda|societa|gruppo) leader',
      // Dutch
      'opgericht in \\d{4}',
      '(?:wij zijn|we zijn) (?:een|de|het) (?:toonaangevende|internationale|snelgroeiende|groeiende|innovatieve|ambitieuze|grootste|leidende|dynamische)',
      'marktleider',
      'met (?:het )?hoofdkantoor in',
      // Polish
      '(?:jestesmy|jest) (?:liderem|wiodacym|wiodaca|miedzynarodowa|miedzynarodowym)',
      '(?:zalozona|zalozony|powstala|powstal) w \\d{4}',
      'z siedziba w',
      'na rynku od',
      // Danish, Swedish, Portuguese
      'grundlagt i \\d{4}',
      'vi er en (?:forende|international|ledende)',
      'grundades (?:ar )?\\d{4}',
      'vi ar (?:ett|en) (?:ledande|internationell\\w*)',
      'fundada em \\d{4}',
      'somos uma (?:empresa|multinacional|consultora)',
    ]),
  ],
];
