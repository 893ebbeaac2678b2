import { createServer } from 'node:http';

/**
 * The ceiling: a bare node:http server that reads and parses the same JSON bodies and answers a
 * fixed three-nudge body of the service's size. Started as its own process, like the service.
 */
const NUDGE = {
  type: 'resume',
  title: "84% of your peers have uploaded resumes. You haven't yet!",
  action: 'Upload your resume now',
  priority: 'high',
  source: 'rule',
  score: 0.84,
  reasons: ['batch_resume_uploaded_pct 84 > threshold 70', 'resume_uploaded is false'],
};
const BODY = JSON.stringify({
  user_id: 'stu_7023',
  status: 'generated',
  as_of: '2025-06-30',
  nudges: [NUDGE, NUDGE, NUDGE],
  fomo: {
    score: 0.5,
    level: 'medium',
    days_since_last_event: 16,
    factors: { buddies: 0.33, batch: 0.7, recency: 0.53 },
  },
  model_version: 'v',
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    // The readiness probe is a GET without a body; every benchmark request is a JSON POST.
    if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
