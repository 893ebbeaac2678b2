import { Locale, readableEventName, RenderContext } from '@app/messages';
import { buildEngineConfig } from '../config/engine-config.loader';
import { ChosenNudge } from '../policy/choose-nudges';
import { renderNudge } from './render-nudge';

const config = buildEngineConfig({});

function context(locale: Locale, names: Record<string, string> = {}): RenderContext {
  return {
    catalog: config.catalogs.catalog(locale),
    eventName: (key) => (Object.hasOwn(names, key) ? names[key] : readableEventName(key)),
  };
}

function chosen(message: string, params: ChosenNudge['wording']['params']): ChosenNudge {
  const wording = { message, params, claims: [] };
  return {
    type: 'event_fomo',
    source: 'rule',
    priority: 'high',
    score: 0.75,
    wordings: [wording],
    wording,
    rank: 1,
    propensity: 1,
    reasons: [],
    evidence: [],
  };
}

describe(renderNudge.name, () => {
  it('says a long gap in months and one of a year or more in years, never a raw count', () => {
    const render = (days: number) => renderNudge(chosen('comeback', { days }), context('en')).title;
    expect(render(1)).toBe(
      "It's been 1 day since your last event. There's one for every schedule.",
    );
    expect(render(64)).toBe(
      "It's been over 2 months since your last event. There's one for every schedule.",
    );
    expect(render(364)).toBe(
      "It's been over 11 months since your last event. There's one for every schedule.",
    );
    expect(render(365)).toBe(
      "It's been a year since your last event. There's one for every schedule.",
    );
    expect(render(500)).toBe(
      "It's been over a year since your last event. There's one for every schedule.",
    );
    expect(render(12964)).toBe(
      "It's been over 35 years since your last event. There's one for every schedule.",
    );
  });

  it('names events by display name, else readably, and lists at most two before "more"', () => {
    const sut = renderNudge(
      chosen('buddies_at_events', { count: 4, events: ['ai-summit', 'x', 'y', 'z'] }),
      context('en', { x: 'Hack Night' }),
    );
    expect(sut.title).toBe(
      'Your buddies are going to AI Summit, Hack Night, and 2 more. Join them!',
    );
    expect(sut.params).toEqual({
      count: 4,
      events: 'AI Summit, Hack Night, and 2 more',
    });
    expect(sut.message_key).toBe('buddies_at_events');
  });

  it('renders the message key and params it was given, with the gap in words', () => {
    const sut = renderNudge(
      chosen('trending_event', { event: 'ai-summit', peers: 1 }),
      context('en'),
    );
    expect(sut).toEqual({
      type: 'event_fomo',
      title: 'AI Summit is trending: 1 of your peers is going!',
      action: 'Check out AI Summit',
      priority: 'high',
      source: 'rule',
      score: 0.75,
      rank: 1,
      propensity: 1,
      message_key: 'trending_event',
      params: { event: 'AI Summit', peers: 1 },
      reasons: [],
      evidence: [],
      merged_types: [],
    });
  });

  it('words a merged nudge by the message that joins both premises, naming the types merged in', () => {
    const sut = renderNudge(
      {
        ...chosen('comeback_buddies', { days: 21, count: 1, events: ['startup-meetup'] }),
        type: 'event_fomo',
        merged: ['comeback'],
      },
      context('en'),
    );
    expect([sut.type, sut.title, sut.action, sut.merged_types]).toEqual([
      'event_fomo',
      "It's been 21 days since your last event — a buddy of yours is going to Startup Meetup. Join them!",
      'See the events your buddies attend',
      ['comeback'],
    ]);
  });

  it('words reasons in plain language, model factors listed by direction', () => {
    const nudge: ChosenNudge = {
      ...chosen('ml_quiz', { probability: 0.81 }),
      reasons: [
        { key: 'reason.model', params: { probability: 0.81, threshold: 0.6 } },
        {
          key: 'reason.model_up',
          params: { factors: ['feature.never_quizzed.high', 'feature.projects_added.low'] },
        },
        { key: 'reason.model_down', params: { factors: ['feature.log_login_streak.high'] } },
        { key: 'reason.resume_peer_gap', params: { share: 0.84, threshold: 0.7 } },
      ],
    };
    expect(renderNudge(nudge, context('en')).reasons).toEqual([
      'The model puts the chance this learner acts at 81% (it nudges from 60%).',
      'Pushing it up: no quiz date on record and few projects.',
      'Holding it back: a long login streak.',
      "84% of this learner's batch have a resume and this learner has none (the rule fires above 70%).",
    ]);
  });

  it('answers in Spanish and Hindi from their catalogs', () => {
    const nudge = chosen('comeback', { days: 1 });
    expect(renderNudge(nudge, context('es')).title).not.toBe(
      renderNudge(nudge, context('en')).title,
    );
    expect(renderNudge(nudge, context('hi')).title).toMatch(/[\u0900-\u097F]/);
  });
});
