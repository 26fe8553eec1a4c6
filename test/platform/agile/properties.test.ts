import { describe, expect, it } from 'vitest';
import {
  buildCompanyProperties,
  buildContactProperties,
  formatAddress,
  getAddress,
  getCompanyName,
  getCustomFields,
  getEmails,
  getFirstName,
  getFullName,
  getLastName,
  getPhones,
  getPrimaryEmail,
  getTitle,
  getWebsites,
  parseAddress,
} from '../../../src/platform/agile/properties.js';
import { contactSchema } from '../../../src/platform/agile/schemas.js';
import { fromEpochSec, toEpochSec } from '../../../src/platform/agile/time.js';

// Shaped like the reference's "Contact JSON example".
const brad = contactSchema.parse({
  id: '5629585249009664',
  type: 'PERSON',
  created_time: '1469170109',
  tagsWithTime: [{ tag: 'dummyTestTag', createdTime: 1469510469602 }],
  properties: [
    { name: 'Date of Joining', type: 'CUSTOM', value: 1279132200 },
    { name: 'Text field test', type: 'CUSTOM', value: 'I am text field test.' },
    { type: 'SYSTEM', name: 'first_name', value: 'Brad' },
    { type: 'SYSTEM', name: 'last_name', value: 'Keywell' },
    { type: 'SYSTEM', name: 'company', value: 'Uptake Technologies' },
    { type: 'SYSTEM', name: 'title', value: 'Co-Founder and CEO' },
    { name: 'email', value: 'brad@example.com', subtype: 'work' },
    { name: 'email', value: 'brad.home@example.com', subtype: 'personal' },
    { name: 'phone', value: '8888888888', subtype: 'work' },
    { name: 'website', value: 'https://www.linkedin.com/in/bradkeywell', subtype: 'LINKEDIN' },
    {
      name: 'address',
      value:
        '{"address":"Motor City 120 street","city":"Detroit","state":"Michigan","zip":"48201","country":"US","countryname":"United States"}',
    },
  ],
});

describe('property readers', () => {
  it('reads names, company, title, emails, phones, websites', () => {
    expect(getFirstName(brad)).toBe('Brad');
    expect(getLastName(brad)).toBe('Keywell');
    expect(getFullName(brad)).toBe('Brad Keywell');
    expect(getCompanyName(brad)).toBe('Uptake Technologies');
    expect(getTitle(brad)).toBe('Co-Founder and CEO');
    expect(getEmails(brad)).toEqual([
      { value: 'brad@example.com', subtype: 'work' },
      { value: 'brad.home@example.com', subtype: 'personal' },
    ]);
    expect(getPrimaryEmail(brad)).toBe('brad@example.com');
    expect(getPhones(brad)).toEqual([{ value: '8888888888', subtype: 'work' }]);
    expect(getWebsites(brad)[0]?.subtype).toBe('LINKEDIN');
  });

  it('parses the address JSON string and formats it', () => {
    const address = getAddress(brad);
    expect(address?.city).toBe('Detroit');
    expect(formatAddress(address)).toBe('Motor City 120 street, Detroit, Michigan 48201, United States');
    expect(parseAddress('12 Plain Street')).toEqual({ address: '12 Plain Street' });
    expect(parseAddress('')).toBeUndefined();
  });

  it('reads custom fields as strings (dates stay epoch seconds)', () => {
    expect(getCustomFields(brad)).toEqual({
      'Date of Joining': '1279132200',
      'Text field test': 'I am text field test.',
    });
  });

  it('names a company by its name property and falls back to the email', () => {
    expect(getFullName({ type: 'COMPANY', properties: [{ name: 'name', value: 'Spicejet' }] })).toBe(
      'Spicejet',
    );
    expect(getFullName({ properties: [{ name: 'email', value: 'x@y.z' }] })).toBe('x@y.z');
  });

  it('keeps contact times in seconds and tag times in milliseconds', () => {
    expect(brad.created_time).toBe(1469170109);
    expect(brad.tagsWithTime[0]?.createdTime).toBe(1469510469602);
    expect(toEpochSec(fromEpochSec(1469170109))).toBe(1469170109);
  });
});

describe('property builders', () => {
  it('builds SYSTEM and CUSTOM properties, leaving empty fields out', () => {
    const props = buildContactProperties({
      firstName: ' Samson ',
      lastName: '',
      emails: ['samson@example.com', { value: 'sam@home.example', subtype: 'personal' }],
      phones: [{ value: '8888888889', subtype: 'home' }],
      title: 'CTO',
      address: { address: '225 George Street', city: 'Sydney', zip: '' },
      websites: [{ value: 'www.linkedin.com', subtype: 'LINKEDIN' }],
      custom: { 'Date of Joining': 1479580200 },
    });
    expect(props).toEqual([
      { type: 'SYSTEM', name: 'first_name', value: 'Samson' },
      { type: 'SYSTEM', name: 'email', value: 'samson@example.com', subtype: 'work' },
      { type: 'SYSTEM', name: 'email', value: 'sam@home.example', subtype: 'personal' },
      { type: 'SYSTEM', name: 'phone', value: '8888888889', subtype: 'home' },
      { type: 'SYSTEM', name: 'title', value: 'CTO' },
      { type: 'SYSTEM', name: 'address', value: '{"address":"225 George Street","city":"Sydney"}' },
      { type: 'SYSTEM', name: 'website', value: 'www.linkedin.com', subtype: 'LINKEDIN' },
      { type: 'CUSTOM', name: 'Date of Joining', value: '1479580200' },
    ]);
    // The address round-trips through the reader.
    expect(getAddress({ properties: props })).toEqual({ address: '225 George Street', city: 'Sydney' });
  });

  it('builds company properties with name and url', () => {
    expect(buildCompanyProperties({ name: 'Spicejet', url: 'http://www.spicejet.com/' })).toEqual([
      { type: 'SYSTEM', name: 'name', value: 'Spicejet' },
      { type: 'SYSTEM', name: 'url', value: 'http://www.spicejet.com/' },
    ]);
  });
});
