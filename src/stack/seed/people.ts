// Customers and contact addresses for the generated records: names from the vocabulary lists and
// an email address that belongs to the name.
import type { Rng } from './prng'
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES } from './vocab'

export interface Person {
  name: string
  email: string
}

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase()
}

export function customer(rng: Rng): Person {
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  const local = rng.chance(0.5)
    ? `${ascii(first)}.${ascii(last)}`
    : `${ascii(first)[0]}${ascii(last)}${rng.int(1, 99)}`
  return { name: `${first} ${last}`, email: `${local}@${rng.pick(EMAIL_DOMAINS)}` }
}

/** accounts@vendor.example style address for a company name. */
export function companyEmail(rng: Rng, company: string): string {
  const slug = ascii(company.split(' ').slice(0, 2).join('')) || 'vendor'
  return `${rng.pick(['accounts', 'billing', 'ap', 'finance', 'legal'])}@${slug}.example`
}
