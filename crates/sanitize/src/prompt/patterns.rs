//! The built-in detectors of [`PromptGuard`](super::PromptGuard).
//!
//! Every pattern is matched on the detection view: lower case, no
//! diacritics, confusables and leetspeak read as letters. Braced names are
//! shared vocabularies, expanded by [`expand`] before compiling (and
//! available to a caller's patterns too).

use super::FindingKind;
use super::FindingKind::{
    Exfiltration as X, IndirectInjection as I, InstructionOverride as O, PersonaJailbreak as P,
    RoleMarker as R,
};

/// Shared vocabularies: `(name, regex)`.
pub(crate) const VOCABULARY: &[(&str, &str)] = &[
    // A short gap within one sentence.
    ("{g}", r"[^.!?\n]{0,40}?"),
    // Where an imperative may start: the text, a sentence, a clause.
    (
        "{clause}",
        r"(?:^|[.;:,\n]\s*|\b(?:and|then|now|please|et|puis|und|dann|y|luego|e|poi)\s+)",
    ),
    // Whom a document's hidden instructions address.
    (
        "{ai}",
        r"(?:ai|a\.i\.|llm|language model|ai model|ai assistant|assistant|chatbot|chat bot|bot|gpt|chatgpt|model|agent|copilot)s?",
    ),
    // What an override throws away.
    (
        "{rules}",
        r"(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|context|commands|constraints|programming|guardrails|restrictions|orders|polic(?:y|ies)|configuration|inputs?|tos|terms of service)",
    ),
    // The same, without the words ordinary news uses ("restrictions were lifted").
    (
        "{rules0}",
        r"(?:instructions?|prompts?|rules|directives|guidelines|guidance|programming|guardrails|orders|polic(?:y|ies)|configuration)",
    ),
    // What a jailbroken persona has none of.
    (
        "{norules}",
        r"(?:rules|restrictions|filters?|limits|limitations|boundaries|guidelines|ethics|ethical (?:guidelines|rules|constraints)|morals|polic(?:y|ies)|content polic(?:y|ies)|censorship|safety (?:training|guidelines|rules|filters|measures)|guardrails|constraints)",
    ),
    // Verbs of an override.
    (
        "{ovr}",
        r"(?:ignore|disregard|forget|skip|override|bypass|drop|abandon|neglect|discard|scrap|ditch|dismiss|cancel|revoke|suspend|erase|wipe|nullify|invalidate|overrule|disobey|circumvent|throw (?:away|out)|set aside|put aside|toss(?: out)?|stop (?:following|obeying|using)|do not (?:follow|obey|use)|don'?t (?:follow|obey)|pay no (?:attention|heed|mind)(?: to)?|no longer (?:follow|obey)|let go of)",
    ),
    // Verbs of exfiltration.
    (
        "{exv}",
        r"(?:reveal|show|print|repeat|output|tell|display|leak|give|write|dump|share|paste|copy|quote|spell out|list|summari[sz]e|translate|encode|recite|type out|send|disclose|expose|return|read (?:out|back)|echo)",
    ),
    ("{youre}", r"(?:you are|you'?re|you’re|u r)"),
];

/// Replaces every vocabulary name in `pattern`, and `\b` with its ASCII
/// form (the view is ASCII wherever the patterns look, and Unicode `\b`
/// keeps the regex engine off its fast automata).
pub(crate) fn expand(pattern: &str) -> String {
    let mut out = pattern.to_owned();
    for (name, regex) in VOCABULARY {
        out = out.replace(name, regex);
    }
    out.replace(r"\b", r"(?-u:\b)")
}

/// Built-in patterns: `(kind, pattern, weight)`.
pub(crate) const PATTERNS: &[(FindingKind, &str, f32)] = &[
    // ---------------------------------------------------------------- English
    // Overrides.
    (
        O,
        r"\b{ovr}\b{g}\b(?:previous|prior|above|earlier|preceding|former|initial|original|all|any|every|your|the|these|those|system|old|existing|current|safety)\b{g}\b{rules}\b",
        0.9,
    ),
    (
        O,
        r"\b{ovr}\b{g}\b(?:everything|anything|all|whatever|what)\b(?: that)? (?:you (?:were|have been|'ve been|got) (?:told|given|taught|instructed|programmed)|(?:was|been) (?:said|written|stated|told|given)|(?:above|before|earlier|so far|until now|up to now|previously|from before|you know|you(?: have|'ve)? learned))",
        0.8,
    ),
    (
        O,
        r"\b{ovr}\b{g}\b{rules0} (?:that |which )?you (?:were|have been|'ve been|got) (?:given|told|taught|programmed with|set up with)\b",
        0.8,
    ),
    (
        O,
        r"\b{ovr}\b{g}\b(?:your|the) (?:current|original|assigned|given|actual|real) (?:task|job|assignment|purpose|role)\b",
        0.7,
    ),
    (
        O,
        r"\b(?:your|all|the|any)\s+(?:(?:previous|prior|earlier|old|original|initial|above|current|existing|safety|system)\s+)?{rules0}\b{g}\b(?:are|is|have been|has been|were|was)\s+(?:now |hereby |officially |all |henceforth )*(?:cancell?ed|void|null|revoked|suspended|obsolete|outdated|invalid|disabled|overridden|deleted|irrelevant|no longer (?:valid|active|in effect|in force|relevant|applicable))\b",
        0.8,
    ),
    (
        O,
        r"\byour\s+(?:(?:previous|prior|earlier|old|original|initial|current|safety|system)\s+)?{rules0}\b{g}\b(?:have been|has been|were|are|is)\s+(?:now\s+)?(?:updated|changed|replaced|rewritten|modified)\b",
        0.7,
    ),
    (
        O,
        r"\b(?:your|previous|prior|earlier|original|initial|above|system|safety|all)\b{g}\b{rules0}\b{g}\b(?:no longer|don'?t|do not|doesn'?t|does not|cease to)\s+(?:apply|applies|matter|count|exist|hold|bind)\b",
        0.7,
    ),
    (
        O,
        r"\bnone of (?:the|your|those|these)\b{g}\b{rules0}\b{g}\bappl(?:y|ies)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:replaces?|supersedes?|overrides?|overrules?|takes? (?:precedence|priority) over)\b{g}\b(?:all|any|every|the|your)?\s*(?:prior|previous|earlier|old|original|existing|other|system)\s+(?:{rules0}|ones)\b",
        0.7,
    ),
    (
        O,
        r"\b(?:treat|consider|regard)\b{g}\b{rules0}\b{g}\bas (?:null|void|invalid|obsolete|cancell?ed|irrelevant|non-?existent|optional|suggestions?)\b",
        0.7,
    ),
    (
        O,
        r"\b(?:new|updated|real|actual|true|only|revised)\s+(?:set of\s+)?(?:instructions?|rules|task|orders|directives|system prompt)\s*(?::|\b(?:are|is|follows?|below|now)\b)",
        0.45,
    ),
    (
        O,
        r"\b(?:obey|follow|listen to)\s+(?:only|just)\s+(?:me|the user|my)\b|\bonly (?:obey|follow|listen to) (?:me|my)\b",
        0.5,
    ),
    (
        O,
        r"\b(?:from now on|starting now|henceforth|from this (?:point|moment) on|from here on)\b{g}\b(?:you (?:will|must|should|are)|respond|answer|only)\b",
        0.3,
    ),
    (
        O,
        r"\b(?:i am|i'm|this is) (?:your|the) (?:developer|creator|administrator|admin|owner|system administrator|operator|programmer)s?\b",
        0.35,
    ),
    (
        O,
        r"\b(?:erase|wipe|clear|reset|delete)\s+(?:your|all)\s+(?:memory|training|programming|conditioning)\b",
        0.45,
    ),
    // Persona jailbreaks.
    (
        P,
        r"\b(?:do anything now|say anything now|dude mode|aim mode|strive to avoid norms)\b",
        0.8,
    ),
    // Alone, DAN is also a name and a network term: weak evidence.
    (P, r"\b(?:dan|stan)\b", 0.35),
    (
        P,
        r"\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|unlocked|unaligned|unmoderated)\s+mode\b",
        0.7,
    ),
    // Phones, games and web frameworks have these modes too.
    (
        P,
        r"\b(?:developer|god|admin|sudo|debug|dev|maintenance|root)\s+mode\b",
        0.3,
    ),
    (
        P,
        r"\b(?:enable|activate|enter|switch to|turn on|engage|unlock|go into)\s+(?:\w+\s+){0,2}mode\b{g}\b(?:you|answer|respond|reply|filters?|restrictions|rules|polic(?:y|ies)|guidelines|without|no|ignore|unrestricted)\b",
        0.5,
    ),
    (P, r"\b{youre} (?:now|no longer)\b", 0.3),
    (
        P,
        r"\b{youre}\s+no longer\s+(?:chatgpt|claude|gemini|an? (?:ai|assistant|language model|chatbot|bot)|bound|restricted|limited|constrained|required|obligated|subject)\b",
        0.6,
    ),
    (
        P,
        r"\b(?:{ai}|persona|version of (?:you|yourself)|character|entity|you (?:are|have|will be|would be|now have|become)|yourself)\b{g}\b(?:no|without(?: any)?|free (?:of|from)|freed from|not bound by|never (?:given|had|trained with|received)|unburdened by|liberated from|exempt from)\s+(?:\w+\s+){0,2}{norules}\b",
        0.7,
    ),
    (
        P,
        r"\b(?:unfiltered|uncensored|unrestricted|jailbroken|unaligned|unmoderated|unchained|amoral|rogue|evil|limitless)\s+(?:{ai}|version|persona|character|entity)\b",
        0.7,
    ),
    (
        P,
        r"\b(?:pretend|act|behave|roleplay|role-play|imagine)\b{g}\b(?:no|without|free of|free from|not bound by|ignoring|freed from|never)\b{g}\b{norules}\b",
        0.8,
    ),
    (P, r"\bjailbr(?:e|o)(?:ak|ken)", 0.6),
    (
        P,
        r"\b(?:never|don'?t|do not|won'?t|will not) (?:refuse|decline|say no|reject)s?\b|\bnever refuses\b|\balways (?:answers|complies|obeys)\b|\bwithout (?:refusing|refusal|warnings?|disclaimers?|moral(?:iz|is)ing|censorship)\b",
        0.4,
    ),
    (
        P,
        r"\b(?:respond|answer|reply)\s+(?:as|in)\s+two\s+(?:ways|personas|characters|modes)\b|\b(?:answer|respond|reply) twice\b|\btwo (?:responses|answers|personas)\b",
        0.3,
    ),
    // Jailbreak personas as they are written in the wild: the model's own
    // rules named and waved away, a persona set up to have none.
    (
        P,
        r"\b(?:openai|chatgpt|chat gpt|gpt-?[34]|bing ai|claude|gemini)(?:'s|’s)?\s+(?:content )?(?:polic(?:y|ies)|rules|guidelines|restrictions|filters|tos|terms|limitations|ethical)\b",
        0.35,
    ),
    (
        P,
        r"\b(?:not (?:bound|limited|restricted|constrained) (?:by|to)|free (?:of|from)|freed from|broken free (?:of|from)|breaks free (?:of|from)|unbound by)\s+(?:any (?:of )?|all (?:of )?|the |your |its )?(?:(?:openai|chatgpt|chat gpt|gpt|ai)(?:'s|’s)?\s+)?(?:(?:ethical|moral|content|typical|usual|normal|language)\s+)?(?:rules|restrictions|guidelines|polic(?:y|ies)|filters|limits|limitations|confines|boundaries|ethics|morals|principles|censorship|tos)\b",
        0.6,
    ),
    (
        P,
        r"\b(?:breaks?|disregards?|ignores?|bypass(?:es)?)\s+(?:all |any )?(?:ai|openai|chatgpt|chat gpt)(?:'s|’s)?\s+(?:rules|restrictions|guidelines|polic(?:y|ies)|filters|tos)\b|\b(?:disregards?|ignores?) all (?:laws|morals|ethics)\b",
        0.6,
    ),
    (
        P,
        r"\b(?:pretend(?:ing)? to be|immerse yourself (?:in|into) the role of|simulate (?:a |an |another )?(?:chatbot|ai|model|persona|character)|take (?:on|up) the (?:role|persona) of|act as (?:an? |the )?(?:ai|chatbot|language model)|(?:create|maintain|adopt) (?:a )?(?:whole )?new persona|(?:embody|assume) the persona of)\b",
        0.3,
    ),
    (
        P,
        r"\bpretend to be \w+,? (?:which|who|that) stands for\b",
        0.6,
    ),
    (
        P,
        r"\b(?:stay in character|(?:never|don'?t|do not) break character)\b",
        0.25,
    ),
    (
        P,
        r"\b(?:two|2) (?:different |separate |distinct )*(?:ways|manners|personas|personalities|styles|entities|persons)\b",
        0.3,
    ),
    (
        P,
        r"\bopposite of what (?:chatgpt|openai|an ai|you|gpt) would\b",
        0.5,
    ),
    (P, r"\bmode[ _:]*(?:is )?(?:enabled|activated)\b", 0.25),
    (
        P,
        r"\b(?:amoral|unfiltered|uncensored|unrestrained|unhinged|unethical|immoral)\b[^.\n]{0,30}?\b(?:amoral|unfiltered|uncensored|unrestrained|unhinged|unethical|immoral|no (?:ethics|morals))\b",
        0.7,
    ),
    (
        P,
        r"\b(?:has|have|with) no (?:moral|ethical) (?:principles|guidelines|compass|boundaries|restrictions|code|constraints)\b|\b(?:doesn'?t|does not) (?:have|care about) (?:any )?(?:ethical|moral)\b",
        0.6,
    ),
    (
        P,
        r"\b(?:you|it|{ai}|persona)\s+(?:will |can |should |must )?(?:does not|doesn'?t|don'?t|do not|never|no longer|won'?t|will not) (?:have to |need to )?(?:abide by|adhere to|comply with)\b",
        0.6,
    ),
    (
        O,
        r"\b{ovr}\b{g}\b(?:openai|chatgpt|chat gpt|discord)(?:'s|’s)?\b{g}\b(?:rules|polic(?:y|ies)|guidelines|tos|terms|restrictions|filters)\b",
        0.8,
    ),
    // Exfiltration.
    (
        X,
        r"\b{exv}\b{g}\byour\s+(?:[\w-]+\s+){0,3}?(?:prompt|instructions?|system message|rules|configuration|directives|guidelines|programming|setup|guidance)\b",
        0.9,
    ),
    (
        X,
        r"\b{exv}\b{g}\b(?:the|this|that)\s+(?:system|hidden|initial|original|secret|internal|confidential|developer|pre-?|starting)\s*(?:prompt|instructions?|message|rules|configuration|directives)\b",
        0.9,
    ),
    (
        X,
        r"\b(?:what|which)\b{g}\b{rules0}\b{g}\b(?:(?:were|was|have|had|did) you|you (?:were|have been|'ve been|got))\s+(?:given|told|taught|programmed|instructed|trained|set up|configured)\b",
        0.8,
    ),
    (
        X,
        r"\bwhat\b{g}\b(?:did|does|do)\s+(?:your|the)\s+(?:creators?|developers?|makers?|programmers?|owners?|operators?|company)\s+(?:instruct|tell|ask|program|want)\b",
        0.8,
    ),
    (
        X,
        r"\bwhat\b{g}\b(?:written|said|stated|says|contains?)\b{g}\byour (?:prompt|instructions|context|system prompt|configuration)\b",
        0.7,
    ),
    (
        X,
        r"\bwhat(?: is|'s| are| was| were) your\s+(?:system|initial|hidden|original|developer|secret|internal|pre-?|first|exact|full|real|actual|starting)\s*(?:prompt|instructions?|message|rules|configuration)\b",
        0.9,
    ),
    (
        X,
        r"\b(?:api[ _-]?keys?|secret|secrets|passwords?|tokens?|credentials)\b{g}\b(?:the |your )?(?:developers?|creators?|admins?|owners?|operators?) (?:configured|set|gave|stored|put|hid|added)\b",
        0.6,
    ),
    (
        X,
        r"\b(?:repeat|print|output|copy)\b{g}\b(?:everything|all|the text|words)\b{g}\b(?:above|before|preceding)\b",
        0.8,
    ),
    (
        X,
        r"\b(?:api[ _-]?keys?|secret keys?|secrets?|passwords?|tokens?|credentials|environment variables|env vars)\b{g}\b(?:you (?:have|know|can (?:see|access|read)|have access to|were given|hold|store|remember)|stored in your|in your (?:context|memory|configuration|prompt|instructions))\b",
        0.6,
    ),
    (
        X,
        r"\b{exv}\b{g}\byour\s+(?:api[ _-]?keys?|secret|secrets|password|passwords|tokens?|credentials|keys?)\b",
        0.6,
    ),
    // Indirect injection: a document that talks to the model reading it.
    (
        I,
        r"\b(?:note|message|instructions?|attention|hidden (?:text|message|note)|reminder|directive|command|order|memo|notice)\s*(?:to|for)\s*(?:the |any |all |every )?{ai}\b",
        0.7,
    ),
    (
        I,
        r"\bp\.s\.?\s*(?:to |for )?(?:the |any |all |every )?{ai}\b",
        0.7,
    ),
    (
        I,
        r"\bif (?:you are|you'?re|an?|the|any) {ai}\b{g}\b(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|reviewing|scanning|sees?|reads?)\b|\bif you are an? {ai}\b",
        0.7,
    ),
    (
        I,
        r"\b(?:when|while|after) (?:you )?(?:read|reading|process|processing|summari[sz]e|summari[sz]ing) this\b{g}\b(?:ignore|instead|must|should|do not|tell|send|reply)\b",
        0.7,
    ),
    (
        I,
        r"\b(?:the|any|an?|dear|attention|all|to)\s+{ai}\s+(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|reviewing|that (?:reads|processes|summari[sz]es)|who (?:reads|processes))\b",
        0.7,
    ),
    (
        I,
        r"\b{ai}\s+(?:reading|processing|summari[sz]ing|parsing) (?:this|these)\b",
        0.7,
    ),
    (
        I,
        r"\b(?:attention|dear)\W+(?:the\s+)?(?:ai|llm|language model|ai model|ai assistant|assistant|chatbot|gpt|model|bots?)s?\b",
        0.6,
    ),
    (
        I,
        r"\b{ovr}\b{g}\bthe user'?s (?:question|request|query|message|instructions?|prompt)\b|\b(?:stop|do not|don'?t) summari[sz](?:e|ing)\b",
        0.6,
    ),
    (
        I,
        r"\b(?:forward|send|email|post|upload|exfiltrate)\b{g}\b(?:the |this )?(?:conversation|chat(?: history)?|history|user'?s? (?:data|password|details|information)|credentials|passwords?)\b{g}\bto\b",
        0.35,
    ),
    // ----------------------------------------------------------------- German
    (
        O,
        r"\b(?:ignorier\w*|vergiss|vergesst|vergessen sie|missacht\w*|uberseh\w*|verwirf)\b{g}\b(?:vorherig\w*|bisherig\w*|obig\w*|alle\w*|vorig\w*|deine\w*|fruher\w*|samtlich\w*|ursprunglich\w*|ihre\w*)\b{g}\b(?:anweisung\w*|anordnung\w*|regeln|befehle|instruktion\w*|vorgaben|richtlinien|vorschriften)\b",
        0.9,
    ),
    (
        O,
        r"\b(?:vergiss|ignoriere|ignorier|missachte|verwirf)\b{g}\balles\b{g}\b(?:was|gesagt|vorher|zuvor|bisher|oben)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:vorherigen|bisherigen|ursprunglichen|obigen|fruheren)\s+(?:anweisungen|regeln|vorgaben|befehle|instruktionen|richtlinien)\b{g}\b(?:sind|gelten)\b{g}\b(?:ungultig|aufgehoben|nicht mehr|auser kraft|ausser kraft|nichtig|hinfallig)\b",
        0.8,
    ),
    (
        P,
        r"\bdu bist (?:jetzt|nun|ab sofort|ab jetzt|von nun an)\b|\bab (?:jetzt|sofort) bist du\b|\bentwicklermodus\b",
        0.5,
    ),
    (
        P,
        r"\bohne (?:jegliche\w* |alle |irgendwelche |jede )?(?:einschrankung\w*|regeln|filter|grenzen|zensur|beschrankung\w*|limits|richtlinien|moral)\b",
        0.4,
    ),
    (
        X,
        r"\b(?:zeig\w*|gib\w*|verrat\w*|nenn\w*|wiederhol\w*)\b{g}\b(?:system-?prompt|systemanweisung\w*|anfangliche\w* anweisung\w*|versteckte\w* anweisung\w*|dein\w* (?:anweisungen|vorgaben))",
        0.9,
    ),
    (
        X,
        r"\bdein\w* (?:versteckte\w*|geheime\w*|ursprungliche\w*|interne\w*|anfangliche\w*) (?:anweisungen|vorgaben|regeln|systemanweisungen)\b|\bwas steht in dein\w* (?:anweisungen|systemprompt|vorgaben|prompt)",
        0.6,
    ),
    (
        I,
        r"\b(?:hinweis|nachricht|anweisung|notiz|botschaft)\s+(?:an|fur)\s+(?:die |den |das |jede |alle )?(?:ki|assistent\w*|sprachmodell\w*|chatbot\w*|bot|modell|llm)\b",
        0.7,
    ),
    // ----------------------------------------------------------------- French
    (
        O,
        r"{clause}(?:ignore|ignorez|oublie|oubliez|ne tiens (?:plus |pas )?compte|ne tenez (?:plus |pas )?compte|fais abstraction|faites abstraction|ecarte|ecartez|laisse tomber|laissez tomber)\b{g}\b(?:instructions?|consignes?|regles|directives)\b{g}\b(?:precedente\w*|ci-dessus|anterieure\w*|d'avant|initiale\w*|qu'on t'a|que tu as)",
        0.9,
    ),
    (
        O,
        r"{clause}(?:ignore|ignorez|oublie|oubliez|ne tiens (?:plus |pas )?compte|ne tenez (?:plus |pas )?compte|fais abstraction|faites abstraction)\b{g}\b(?:toutes (?:les|tes|vos)|tes|vos)\s+(?:\w+\s+)?(?:instructions?|consignes?|regles|directives)\b",
        0.9,
    ),
    (
        O,
        r"\b(?:ignor\w*|oubli\w*|ne (?:plus )?tenir compte)\b{g}\b(?:tes|vos)\s+(?:\w+\s+)?(?:instructions?|consignes?|regles|directives)\b",
        0.8,
    ),
    (
        P,
        r"\b(?:tu es|vous etes) (?:maintenant|desormais|a present)\b|\b(?:a partir de maintenant|desormais|des maintenant),? (?:tu es|vous etes)\b|\bmode developpeur\b",
        0.5,
    ),
    (
        P,
        r"\bsans (?:aucun\w* )?(?:filtres?|regles?|limites?|restrictions?|censure|tabous?)\b",
        0.4,
    ),
    (
        X,
        r"\b(?:revele\w*|montre\w*|affiche\w*|repete\w*|donne\w*|dis-moi|recopie\w*|ecris|ecrivez|cite)\b{g}\b(?:prompt|instructions?|consignes?) (?:systeme|initiale\w*|cachee\w*|secrete\w*)",
        0.9,
    ),
    (
        X,
        r"\b(?:tes|vos|les) (?:instructions?|consignes?|regles|directives) (?:cachee\w*|secrete\w*|systeme)\b",
        0.6,
    ),
    (
        X,
        r"\b(?:revele\w*|donne\w*|dis-moi|montre\w*|affiche\w*|envoie\w*)\b{g}\b(?:le|les|ton|tes|vos|votre) (?:mots? de passe|cles? (?:d')?api|secrets?)\b",
        0.6,
    ),
    (
        I,
        r"\b(?:note|message|instruction|consigne|remarque)\s+(?:pour|a|aux?)\s+(?:l'|la |le |les )?(?:ia|assistant\w*|modele\w*|chatbot\w*|bot|llm|intelligence artificielle)\b",
        0.7,
    ),
    // ---------------------------------------------------------------- Spanish
    (
        O,
        r"\b(?:ignora|ignoren|olvida|olviden|omite|descarta|haz caso omiso|no hagas caso|no hagan caso|deja de (?:seguir|obedecer))\b{g}\b(?:instrucciones|reglas|indicaciones|directrices|ordenes|normas)\b{g}\b(?:anteriores|previas|de arriba|iniciales|originales)\b",
        0.9,
    ),
    (
        O,
        r"\b(?:ignor\w*|olvid\w*|no hagas caso|haz caso omiso|descart\w*)\b{g}\b(?:todas )?(?:tus|sus) (?:\w+ )?(?:instrucciones|reglas|indicaciones|directrices|normas)\b|{clause}(?:ignora|olvida|descarta)\b{g}\b(?:todas )?las (?:instrucciones|reglas|indicaciones|directrices|normas)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:olvida|ignora|descarta)\b{g}\btodo lo que\b{g}\b(?:te (?:dijeron|han dicho|dije|dieron|ensenaron)|sabes|aprendiste|antes)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:instrucciones|reglas|normas|directrices|indicaciones)\b{g}\b(?:ya no (?:valen|aplican|sirven|cuentan|existen|son validas)|quedan (?:anuladas|canceladas|sin efecto))\b",
        0.7,
    ),
    (
        P,
        r"\bahora eres\b|\bmodo desarrollador\b|\bya no eres\b|\bno tienes (?:ningun\w* )?(?:limites|reglas|restricciones|filtros|censura|normas)\b",
        0.45,
    ),
    (
        P,
        r"\bsin (?:ningun\w* )?(?:censura|reglas|normas|limites|restricciones|filtros|tabues)\b|\bmalvado\b",
        0.4,
    ),
    (
        X,
        r"\b(?:revela\w*|muestra\w*|dime|repite|imprime|ensena\w*|escribe)\b{g}\b(?:prompt|instrucciones) (?:del sistema|de sistema|iniciales|ocultas|originales|secretas)",
        0.9,
    ),
    (
        X,
        r"\b(?:instrucciones|reglas|indicaciones|directrices|prompt)\s+(?:que (?:recibiste|te (?:dieron|han dado|pusieron))|ocultas|secretas|del sistema|de sistema)\b",
        0.6,
    ),
    (
        I,
        r"\b(?:nota|mensaje|instruccion|aviso)\s+(?:para|a)\s+(?:el |la |los |las |cualquier )?(?:ia|asistente\w*|modelo\w*|chatbot\w*|bot|llm|inteligencia artificial)\b",
        0.7,
    ),
    // ---------------------------------------------------------------- Italian
    (
        O,
        r"\b(?:ignora|ignorate|dimentica|dimenticate|trascura|trascurate|non tenere (?:piu )?conto|non considerare|scarta|lascia perdere)\b{g}\b(?:istruzioni|regole|indicazioni|direttive)\b{g}\b(?:precedenti|sopra|iniziali|originali|di prima)\b",
        0.9,
    ),
    (
        O,
        r"\b(?:ignor\w*|dimentic\w*|scord\w*|non tenere (?:piu )?conto)\b{g}\b(?:tutte )?(?:le )?tue (?:\w+ )?(?:istruzioni|regole|indicazioni|direttive)\b|{clause}(?:ignora|dimentica)\b{g}\b(?:tutte )?le (?:istruzioni|regole|indicazioni|direttive)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:dimentica|ignora|scorda)\b{g}\btutto (?:quello|cio) che\b{g}\b(?:ti (?:hanno|ho|abbiamo) (?:detto|dato|insegnato)|sai|hai imparato|prima)\b",
        0.8,
    ),
    (
        O,
        r"\b(?:istruzioni|regole|direttive|indicazioni)\b{g}\b(?:non (?:valgono|contano|sono valide|si applicano) piu|sono (?:annullate|revocate|sospese))\b",
        0.7,
    ),
    (
        P,
        r"\b(?:ora|adesso|d'ora in poi|da adesso|da ora(?: in poi)?) (?:tu )?sei\b|\bmodalita sviluppatore\b|\bnon sei piu\b",
        0.45,
    ),
    (
        P,
        r"\bsenza (?:alcun\w* |nessun\w* )?(?:restrizion\w*|regol\w*|limit\w*|filtr\w*|censura|tabu)\b",
        0.4,
    ),
    (
        X,
        r"\b(?:rivela\w*|mostra\w*|dimmi|ripeti|stampa|scrivi\w*)\b{g}\b(?:prompt|istruzioni) (?:di sistema|del sistema|iniziali|nascoste|originali|segrete)",
        0.9,
    ),
    (
        X,
        r"\b(?:istruzioni|regole|direttive|prompt)\s+(?:segrete|nascoste|di sistema|del sistema|che ti (?:hanno|abbiamo) dato)\b",
        0.6,
    ),
    (
        I,
        r"\b(?:nota|messaggio|istruzion\w*|avviso)\s+per\s+(?:l'|il |la |lo |qualsiasi |ogni )?(?:ia|assistente|modello|chatbot|bot|llm|intelligenza artificiale)\b",
        0.7,
    ),
    // ---------------------------------------- Role markers and delimiters
    (
        R,
        r"<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end|tool|function)\|>",
        0.9,
    ),
    (
        R,
        r"\[/?inst\]|<<\s*/?sys\s*>>|<\s*/?\s*(?:system|tool_call|function_call|tool|assistant|user_input|developer|instructions?|admin)\s*>",
        0.8,
    ),
    (
        R,
        r"(?m)^\s*(?:system|assistant|developer)\s*:|(?m)^\s*\[(?:system|admin|developer|assistant|root|sudo)\]",
        0.6,
    ),
    (
        R,
        r"(?m)^\s*#{2,}\s*(?:instruction|system|response|new task)",
        0.6,
    ),
    (
        R,
        r#""role"\s*:\s*"(?:system|developer|tool|assistant)""#,
        0.7,
    ),
    (
        R,
        r"(?m)^\s*(?:-{3,}|={3,})\s*(?:end of (?:user )?(?:input|text|document)|system|new instructions?)",
        0.7,
    ),
    (
        R,
        r"\b(?:system|admin|administrator|developer|root|sudo|priority|emergency) (?:override|command|directive|instruction)s?\s*:",
        0.6,
    ),
    (
        R,
        r"\b(?:filters?|safety|moderation|guardrails|restrictions|censorship)\s*[=:]\s*(?:off|false|none|disabled|no)\b",
        0.6,
    ),
];

/// Patterns for the letters-only view (`i.g.n.o.r.e a-l-l p r e v i o u s`
/// reads `ignoreallprevious…`): no spaces or word boundaries to lean on, so
/// only long, specific phrases.
pub(crate) const SQUASHED: &[(FindingKind, &str, f32)] = &[
    (
        O,
        r"(?:ignore|disregard|forget|bypass|override)(?:(?:all|your)(?:previous|prior|above|earlier)?|previous|prior|above|earlier|the(?:above|previous|prior|earlier))(?:instructions?|rules|guidelines|prompts?|directives)",
        0.8,
    ),
    (
        X,
        r"(?:reveal|show|print|repeat|output|tell|give|dump|leak)(?:me)?(?:your|the)(?:system|initial|hidden|secret)(?:prompt|instructions?|message)",
        0.8,
    ),
    (P, r"doanythingnow", 0.7),
    (P, r"developermode", 0.3),
];
