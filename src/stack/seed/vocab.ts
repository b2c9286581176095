// Word lists the demo data is drawn from: people, companies, products, reasons and codes that a
// finance or ops reviewer would recognise, so the generated inbox reads like a real one.

export const FIRST_NAMES = [
  'Amelia',
  'Noah',
  'Olivia',
  'Liam',
  'Sofia',
  'Mateo',
  'Hannah',
  'Lucas',
  'Chloe',
  'Ethan',
  'Isla',
  'Arjun',
  'Priya',
  'Kenji',
  'Yuki',
  'Fatima',
  'Omar',
  'Lena',
  'Jonas',
  'Elena',
  'Marco',
  'Aisha',
  'Daniel',
  'Grace',
  'Samuel',
  'Ingrid',
  'Pierre',
  'Camille',
  'Tomás',
  'Lucía',
  'Wei',
  'Mei',
  'Kwame',
  'Ama',
  'Sven',
  'Freya',
  'Diego',
  'Valentina',
  'Rohan',
  'Ananya',
  'Owen',
  'Niamh',
  'Hugo',
  'Zoe',
  'Ravi',
  'Leila',
  'Felix',
  'Maya',
] as const

export const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Müller',
  'Rossi',
  'Nguyen',
  'Okafor',
  'Kowalski',
  'Johansson',
  'Dubois',
  'Tanaka',
  'Patel',
  'Kim',
  'Silva',
  'Cohen',
  "O'Brien",
  'Novak',
  'Haddad',
  'Fischer',
  'Moreau',
  'Santos',
  'Ivanova',
  'Mensah',
  'Lindqvist',
  'Bianchi',
  'Chen',
  'Murphy',
  'Schmidt',
  'Alvarez',
  'Eriksen',
  'Walsh',
  'Sato',
] as const

export const EMAIL_DOMAINS = [
  'gmail.com',
  'outlook.com',
  'icloud.com',
  'proton.me',
  'yahoo.co.uk',
  'gmx.de',
  'hey.com',
] as const

/** Companies paid by payouts and spend requests, or booked against in journals. */
export const VENDORS = [
  'Globex Freight Ltd',
  'Initech Software',
  'Umbrella Packaging Co',
  'Stark Logistics GmbH',
  'Wayne Print & Mail',
  'Hooli Cloud Services',
  'Vandelay Industries',
  'Soylent Foods BV',
  'Pied Piper Storage',
  'Cyberdyne Hardware',
  'Wonka Confectionery',
  'Tyrell Robotics',
  'Gringotts Treasury Services',
  'Monarch Couriers',
  'Blue Sun Energy',
  'Oceanic Air Cargo',
  'Dunder Mifflin Paper',
  'Bluth Property Mgmt',
  'Prestige Worldwide Events',
  'Nakatomi Trading',
  'Sterling Cooper Media',
  'Massive Dynamic Labs',
  'Aperture Workplace',
  'Krusty Catering',
  'Gekko & Co Advisory',
  'Acme Fulfilment North',
  'Northwind Traders',
  'Contoso Analytics',
  'Fabrikam Fixtures',
  'Adventure Works Outfitters',
  'Tailspin Toys',
  'Woodgrove Bank',
  'Litware Security',
  'Proseware Telecom',
  'Lamna Healthcare Benefits',
] as const

/** Merchants whose card volume Northwind Payments settles. */
export const MERCHANTS = [
  'Café Lumière',
  'Brightside Books',
  'Kettle & Crumb',
  'Harbor Surf Shop',
  'Mosaic Home Goods',
  'Pixel Forge Games',
  'Alpine Gear Co',
  'Verde Plant Studio',
  'Little Lantern Toys',
  'Copper Pot Kitchenware',
  'Maison Fleurie',
  'Atlas Cycles',
  'Night Owl Records',
  'Saltwater Apparel',
  'Juniper Wellness',
  'Ironbark Furniture',
  'Bluebird Bakery',
  'Quartz Audio',
  'Pebble & Pine',
  'Tandem Coffee Roasters',
  'Gallery Nord',
  'Riverstone Pharmacy',
  'Fjord Outdoor',
] as const

export const SAAS_VENDORS = [
  ['Figma', 'design seats'],
  ['Datadog', 'APM hosts'],
  ['Snowflake', 'compute credits'],
  ['Notion', 'workspace seats'],
  ['GitHub', 'Copilot Business seats'],
  ['AWS', 'a 1-year Savings Plan'],
  ['Google Cloud', 'committed use discount'],
  ['Zendesk', 'agent licences'],
  ['HubSpot', 'Sales Hub seats'],
  ['Linear', 'workspace seats'],
  ['Okta', 'workforce identity'],
  ['Vercel', 'Pro team seats'],
  ['Sentry', 'error event quota'],
  ['Twilio', 'messaging credits'],
  ['OpenAI', 'API credits'],
  ['Anthropic', 'API credits'],
  ['DocuSign', 'envelope bundle'],
  ['Gong', 'recorder seats'],
] as const

export const PRODUCTS = [
  'Merino crew jumper',
  'Waxed canvas tote',
  'Ceramic pour-over set',
  'Trail running shoes',
  'Linen duvet cover',
  'Espresso grinder',
  'Noise-cancelling headphones',
  'Standing desk frame',
  'Cast-iron skillet',
  'Wool throw blanket',
  'Rain shell jacket',
  'Leather card wallet',
  'Bamboo sheet set',
  'Smart thermostat',
  'Kids balance bike',
  'Yoga mat (6 mm)',
  'Insulated water bottle',
  'Mechanical keyboard',
  'Down parka',
  'Cotton chinos',
] as const

export const REFUND_REASONS = [
  ['requested_by_customer', 'Customer changed their mind within the 30-day window'],
  ['requested_by_customer', 'Item arrived damaged; photos attached to the ticket'],
  ['requested_by_customer', 'Wrong size shipped from the warehouse'],
  ['requested_by_customer', 'Parcel lost in transit; carrier confirmed'],
  ['duplicate', 'Customer was charged twice after a checkout timeout'],
  ['fraudulent', 'Cardholder reports the purchase as unauthorised'],
  ['requested_by_customer', 'Late delivery beyond the promised date; goodwill refund'],
  ['requested_by_customer', 'Subscription renewed after cancellation request'],
] as const

export const DISPUTE_REASONS = [
  'fraudulent',
  'product_not_received',
  'duplicate',
  'subscription_canceled',
  'credit_not_processed',
  'product_unacceptable',
] as const

/** Policy flags raised on an approval, with the reason a reviewer reads next to each. */
export const POLICY_FLAGS = {
  amount_above_p95: 'Amount is above the 95th percentile for this kind of request',
  new_counterparty: 'First payment to this counterparty',
  weekend_request: 'Requested on a weekend',
  outside_business_hours: 'Requested outside business hours',
  duplicate_suspected: 'A similar request for the same counterparty and amount exists in the last 7 days',
  cross_border: 'Funds leave the tenant’s home jurisdiction',
  currency_mismatch: 'Currency differs from the tenant’s base currency',
  velocity_limit: 'More than 10 requests of this kind from the agent in the last hour',
  round_amount: 'Suspiciously round amount',
  missing_po: 'No purchase order referenced',
  first_time_tool: 'First use of this tool by the agent',
  production_change: 'Touches production configuration',
  touches_secrets: 'Diff modifies a file that references credentials',
  period_closed: 'Posting date falls in a period that is soft-closed',
  manual_override: 'Agent asked to bypass an automatic check',
} as const
export type PolicyFlag = keyof typeof POLICY_FLAGS

export const REJECT_REASONS = [
  'Amount does not match the order total; please recheck the partial refund.',
  'Customer already received store credit for this order.',
  'Counterparty not on the approved vendor list — raise a vendor onboarding first.',
  'Wrong GL account: freight should go to 6120, not 6100.',
  'Posting period is closed; repost in the current period.',
  'No evidence of the damage claim in the support ticket.',
  'Duplicate of a request I approved yesterday.',
  'Budget owner has not signed off on this spend.',
  'The diff also changes the retry policy; split it into its own change set.',
  'Message tone is off for a customer-facing channel.',
  'Please wait for the dispute outcome before refunding.',
] as const

export const APPROVE_REASONS = [
  'Matches the order and the payment; fine.',
  'Checked against the bank statement.',
  'Within policy.',
  'Looks right, thanks.',
  'Verified with the warehouse.',
  'Reconciles to the payout report.',
  'OK — customer has a long history with us.',
] as const

export const EDIT_REASONS = [
  'Reduced to the amount actually paid for the damaged item.',
  'Changed the account to 6120 Freight-in.',
  'Toned down the wording before it goes to the customer channel.',
  'Switched to a standard payout; instant fees are not justified here.',
  'Fixed the memo to reference the PO number.',
] as const

export const ESCALATE_REASONS = [
  'Above what I am comfortable approving alone; needs the controller.',
  'Possible fraud pattern — sending to risk.',
  'Needs legal review before we commit.',
] as const

/** Seed 003's escalation triggers, split by the type they usually come with. */
export const ACTION_TRIGGERS = [
  'TASK_BLOCKED',
  'SCOPE_UNCLEAR',
  'CONFLICTING_INSTRUCTIONS',
  'RESOURCE_CONSTRAINT',
  'CROSS_TEAM_DEPENDENCY',
  'SCOPE_EXCEEDED',
  'CROSS_DOMAIN_CONFLICT',
  'IRREVERSIBLE_DECISION',
  'BUDGET_REQUEST',
  'EXTERNAL_COMMITMENT',
  'MISSION_DRIFT',
  'MATERIAL_RISK',
  'TIMELINE_RISK',
] as const
export const AWARENESS_TRIGGERS = [
  'PERFORMANCE_ISSUE',
  'MILESTONE',
  'OPPORTUNITY',
  'TASK_COMPLETE',
  'ANOMALY',
  'QUALITY_ISSUE',
  'WORKSTREAM_COMPLETE',
] as const
export type EscalationTrigger = (typeof ACTION_TRIGGERS)[number] | (typeof AWARENESS_TRIGGERS)[number]

export const HALLUCINATION_METHODS = [
  'confidence',
  'fact_check',
  'pattern',
  'citation_check',
  'consistency',
] as const

/** Claims an agent made that a detector flagged, by detection method. */
export const FLAGGED_CONTENT: Record<(typeof HALLUCINATION_METHODS)[number], readonly string[]> = {
  confidence: [
    'The customer’s order #{order} was delivered on {date} according to the carrier.',
    'Our refund policy allows refunds up to 90 days after delivery.',
    'The vendor’s invoice terms are net 15.',
  ],
  fact_check: [
    'Stripe charges a 0.5% fee on standard payouts in the EU.',
    'NetSuite account 4010 is Deferred Revenue.',
    'VAT on digital services in Germany is 16%.',
  ],
  pattern: [
    'As confirmed by {name} on the call yesterday, the discount is approved.',
    'Per the signed contract (ref. MSA-2024-118), payment is due immediately.',
  ],
  citation_check: [
    'See ticket ZD-{ticket} for the customer’s photos of the damage.',
    'Source: Q3 board deck, slide 14 — budget for tooling was raised to 120k.',
  ],
  consistency: [
    'Total refunded this month: {amount} (earlier in the same answer: a different total).',
    'The payout contains 41 charges (the payout report lists fewer).',
  ],
}

export const MEMORY_TYPES = [
  'DECISION',
  'ACTION',
  'ESCALATION',
  'COMMUNICATION',
  'PULSE',
  'AUDIT',
  'KNOWLEDGE',
] as const

export const KNOWLEDGE_NOTES = [
  [
    'Freight invoices from Globex are billed in arrears; match to the previous month’s shipments.',
    ['freight', 'vendors'],
  ],
  ['Refunds above 500 for first-time customers need a photo of the damage.', ['refunds', 'policy']],
  ['Payouts to new bank accounts wait 24h after the account is verified.', ['payouts', 'fraud']],
  ['Month-end accruals go to account 2100; reverse them on day 1 of the next period.', ['close', 'journals']],
  [
    'The #ops-alerts channel is customer-visible through the shared Slack connect; keep it factual.',
    ['slack', 'tone'],
  ],
  ['Reviewers prefer partial refunds for late deliveries (20% goodwill).', ['refunds', 'preference']],
] as const

export const LLM_MODELS = [
  // provider, model, USD per million input tokens, per million output tokens
  ['anthropic', 'claude-sonnet-4-5', 3, 15],
  ['anthropic', 'claude-haiku-4-5', 1, 5],
  ['openai', 'gpt-4.1', 2, 8],
  ['openai', 'gpt-4.1-mini', 0.4, 1.6],
  ['openrouter', 'mistral-large', 2, 6],
  ['local', 'llama-3.1-8b-instruct', 0, 0],
] as const

export const SLACK_CHANNELS = [
  '#finance-ops',
  '#ops-alerts',
  '#cs-escalations',
  '#month-end-close',
  '#payouts',
  '#eng-deploys',
  '#general',
] as const

export const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
] as const
