import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  compactAnalysis,
  EngagementAnalysis,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
  INVALID_REQUEST_TYPE,
} from '@app/contract';
import type * as Ml from '@app/ml';
import { exampleAnswer } from '@app/contract/testing';
import { createTestApp } from './test-app';
import { built } from './built';

/** A mutable copy of the example request, typed loosely so tests can break it. */
function clone(): Record<string, any> {
  return JSON.parse(JSON.stringify(EXAMPLE_REQUEST));
}

const { MlService } = built<typeof Ml>('libs/ml/src');

describe('EngagementController', () => {
  let app: INestApplication;
  let modelVersion: string | null;

  beforeAll(async () => {
    app = await createTestApp();
    modelVersion = app.get(MlService).status().modelVersion;
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (body: unknown) =>
    request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));

  it('answers the example request with 200 and exactly the documented analysis', async () => {
    const response = await post(EXAMPLE_REQUEST);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(exampleAnswer(modelVersion));
  });

  describe('views', () => {
    const postIn = (view: string, body: unknown) =>
      request(app.getHttpServer())
        .post(`/analyze-engagement?view=${view}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));

    it('answers ?view=compact with the full answer cut to the compact fields, in their order', async () => {
      // The history request carries its decision id, so both answers draw alike.
      const full = await post(EXAMPLE_HISTORY_REQUEST);
      const compact = await postIn('compact', EXAMPLE_HISTORY_REQUEST);
      expect(compact.status).toBe(200);
      expect(compact.body).toEqual(compactAnalysis(full.body as EngagementAnalysis));
      expect(compact.text).toBe(JSON.stringify(compactAnalysis(full.body as EngagementAnalysis)));
      expect(Object.keys(compact.body)).toEqual([
        'user_id',
        'status',
        'as_of',
        'locale',
        'decision_id',
        'assignment',
        'policy_version',
        'nudges',
        'slate_propensity',
      ]);
      expect(compact.body.nudges.map((nudge: object) => Object.keys(nudge))).toEqual(
        full.body.nudges.map(() => [
          'type',
          'title',
          'action',
          'priority',
          'rank',
          'propensity',
          'message_key',
          'params',
        ]),
      );
    });

    it('answers ?view=full as without a view', async () => {
      const plain = await post(EXAMPLE_HISTORY_REQUEST);
      const full = await postIn('full', EXAMPLE_HISTORY_REQUEST);
      expect(full.status).toBe(200);
      expect(full.text).toBe(plain.text);
    });

    it.each([['brief'], ['COMPACT'], ['compact&view=full'], ['']])(
      'refuses ?view=%s with a 400 naming view',
      async (view) => {
        const response = await postIn(view, EXAMPLE_REQUEST);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          type: INVALID_REQUEST_TYPE,
          status: 400,
          errors: [{ path: 'view', message: 'view must be one of full, compact' }],
        });
      },
    );
  });

  describe('languages', () => {
    const postIn = (body: unknown, acceptLanguage?: string) => {
      const call = post(body);
      return acceptLanguage === undefined ? call : call.set('accept-language', acceptLanguage);
    };

    it('answers in Spanish for locale es, every text from the Spanish catalog', async () => {
      const response = await postIn({ ...EXAMPLE_REQUEST, locale: 'es' });
      expect(response.status).toBe(200);
      expect(response.body.locale).toBe('es');
      expect(response.body.nudges.map((n: any) => [n.message_key, n.title, n.action])).toEqual([
        [
          'resume_peer_gap',
          // Spanish puts a no-break space before the percent sign.
          'El 84\u00a0% de tus compañeros ya subió su currículum. ¡Tú aún no!',
          'Sube tu currículum',
        ],
        [
          'comeback',
          'Tu último evento fue hace 16 días. Hay uno para cada horario.',
          'Busca un evento al que unirte esta semana',
        ],
        [
          'quiz_inactive',
          'Tu último cuestionario fue hace 29 días. ¡Mantén tus habilidades al día!',
          'Haz un cuestionario hoy',
        ],
      ]);
      expect(response.body.nudges[1].reasons).toEqual([
        'El último evento fue hace 16 días (la regla se activa después de 5 días).',
      ]);
    });

    it('answers in Hindi for hi-IN from the Accept-Language header', async () => {
      const response = await postIn(EXAMPLE_REQUEST, 'fr;q=0.9, hi-IN, en;q=0.5');
      expect(response.status).toBe(200);
      expect(response.body.locale).toBe('hi');
      expect(response.body.nudges[1].title).toBe(
        'आपका पिछला इवेंट 16 दिन पहले था। हर शेड्यूल के लिए कोई न कोई इवेंट है।',
      );
    });

    it("prefers the body's locale to the header, and falls back to English for one not served", async () => {
      const spanish = await postIn({ ...EXAMPLE_REQUEST, locale: 'es-MX' }, 'hi');
      expect(spanish.body.locale).toBe('es');
      const french = await postIn({ ...EXAMPLE_REQUEST, locale: 'fr' }, 'hi');
      expect(french.status).toBe(200);
      expect(french.body).toEqual(exampleAnswer(modelVersion));
    });

    it('refuses a locale that is not a language tag, naming the field', async () => {
      const response = await postIn({ ...EXAMPLE_REQUEST, locale: 'english please' });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          path: 'locale',
          message:
            'locale must be a BCP 47 language tag such as en, es or hi-IN (at most 35 characters)',
        },
      ]);
    });
  });

  it('names events by their display names, or readably, never by raw key', async () => {
    const body = clone();
    body.peer_snapshot.batch_event_attendance = { 'ai-summit': 14, 'coding-contest': 9 };
    body.peer_snapshot.buddies_attending_events = [];
    body.user_data.activity.last_event_attended = '2025-06-29';
    const plain = await post(body);
    const event = (analysis: any) => analysis.nudges.find((n: any) => n.type === 'event_fomo');
    expect(event(plain.body).title).toBe('AI Summit is trending: 14 of your peers are going!');
    body.peer_snapshot.event_names = { 'ai-summit': 'AI Summit 2025' };
    const named = await post(body);
    expect(event(named.body)).toMatchObject({
      title: 'AI Summit 2025 is trending: 14 of your peers are going!',
      action: 'Check out AI Summit 2025',
      message_key: 'trending_event',
      params: { event: 'AI Summit 2025', peers: 14 },
      reasons: ['14 peers of the batch are going to AI Summit 2025 (the rule fires from 10).'],
      evidence: [
        { rule: 'trending_event', inputs: { event: 'ai-summit', peers: 14 }, threshold: 10 },
      ],
    });
  });

  it('withholds what the history says rests, and answers a replayed decision the same', async () => {
    const first = await post(EXAMPLE_HISTORY_REQUEST);
    expect(first.status).toBe(200);
    expect(first.body.decision_id).toBe('dec-2025-06-30-stu_7023');
    expect(first.body.nudges.map((n: any) => [n.type, n.rank, n.propensity])).toEqual([
      ['comeback', 1, 1],
      ['project', 2, 1],
    ]);
    expect(first.body.suppressed).toEqual([
      {
        type: 'resume',
        reason: 'cooldown',
        eligible_again_on: '2025-07-04',
        message:
          'A nudge about uploading a resume went out recently, so this one waits until July 4, 2025.',
      },
      {
        type: 'quiz',
        reason: 'cooldown',
        eligible_again_on: '2025-07-02',
        message:
          'A nudge about taking a quiz went out recently, so this one waits until July 2, 2025.',
      },
    ]);
    const replay = await post(EXAMPLE_HISTORY_REQUEST);
    expect(replay.text).toBe(first.text);
  });

  it('gives an engaged learner an empty list', async () => {
    const body = clone();
    Object.assign(body.user_data.profile, {
      resume_uploaded: true,
      projects_added: 3,
      quiz_history: ['2025-06-29'],
    });
    Object.assign(body.user_data.activity, {
      last_event_attended: '2025-06-28',
      last_quiz_taken: '2025-06-29',
    });
    body.peer_snapshot.buddies_attending_events = [];
    const response = await post(body);
    expect(response.status).toBe(200);
    // With models loaded, the engaged learner's probabilities stay under the threshold too.
    expect(response.body.nudges).toEqual([]);
    expect(response.body.fomo).toEqual({
      score: 0.21,
      level: 'low',
      days_since_last_event: 2,
      factors: { buddies: 0, batch: 0.7, recency: 0.07 },
    });
  });

  it('answers 400 naming every offending field by its path', async () => {
    const body = clone();
    body.user_data.profile.karma = '190';
    body.user_data.activity.last_event_attended = '2025-02-30';
    body.peer_snapshot.batch_resume_uploaded_pct = 140;
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: INVALID_REQUEST_TYPE,
      title: 'Bad Request',
      status: 400,
      detail: 'invalid request: 3 fields failed validation',
      errors: [
        {
          path: 'user_data.profile.karma',
          message: 'user_data.profile.karma must be a non-negative integer',
        },
        {
          path: 'user_data.activity.last_event_attended',
          message:
            'user_data.activity.last_event_attended must be a real calendar date: 2025-02-30 does not exist',
        },
        {
          path: 'peer_snapshot.batch_resume_uploaded_pct',
          message: 'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
        },
      ],
    });
  });

  it('answers malformed JSON with a 400 saying so', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('content-type', 'application/json')
      .send('{"user_data": ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'body is not valid JSON: Unexpected end of JSON input',
    });
  });

  it('answers a body over the limit with 413', async () => {
    const body = clone();
    body.padding = 'x'.repeat(110 * 1024);
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: "the body is over this route's limit of 102400 bytes",
    });
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('content-type', 'text/plain')
      .send('hello');
    expect(response.status).toBe(415);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      detail: 'Content-Type text/plain is not supported: send application/json',
    });
  });

  it('echoes a plain x-request-id and replaces a hostile one', async () => {
    const kept = await post(EXAMPLE_REQUEST).set('x-request-id', 'batch-42.7');
    expect(kept.headers['x-request-id']).toBe('batch-42.7');
    const replaced = await post(EXAMPLE_REQUEST).set('x-request-id', 'a b\tc');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
