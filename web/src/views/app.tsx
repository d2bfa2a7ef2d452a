import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WebHit, WebSession, WebUnit } from '../../../daemon/api/web-contract.js';
import {
  ApiError,
  fetchHits,
  fetchUnits,
  getSession,
  logout,
  onSessionLost,
  openEvents,
  type StreamState,
} from '../api.js';
import { MUTE_MINUTES, SoundGate } from '../logic/alert.js';
import { formatTime } from '../logic/format.js';
import { EMPTY_FEED, type HitFeed, mergeHits } from '../logic/hit-feed.js';
import type { Sounder } from '../sound.js';
import { HitCard } from './hit-card.js';
import { HealthView } from './health.js';
import { LiveView } from './live.js';
import { LoginView, PasswordView, PatrolPurposeView } from './login.js';
import { RecentReadsView, SearchView } from './reads.js';
import { UnitsView } from './units.js';

/** The page: login, the forced password change, the shift's purpose, then the views. */
export function App({ sounder }: { sounder: Sounder }) {
  const [session, setSession] = useState<WebSession | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const [changingPassword, setChangingPassword] = useState(false);

  useEffect(() => {
    getSession()
      .then(
        (s) => setSession(s),
        (e: unknown) => {
          setSession(null);
          // Not logged in is the usual case here; an unreachable unit is worth saying.
          if (e instanceof ApiError && (e.code === 'network' || e.code === 'bad_answer')) setNotice(e.message);
        },
      )
      .finally(() => setLoading(false));
    return onSessionLost((e) => {
      setSession(null);
      setNotice(
        e.code === 'session_expired'
          ? 'Your session expired after a while without use. Log in again.'
          : `You are logged out: ${e.message}`,
      );
    });
  }, []);

  if (loading) return <p>Connecting to the unit…</p>;
  if (!session)
    return (
      <LoginView
        notice={notice}
        onLoggedIn={(s) => {
          sounder.unlock();
          setNotice(null);
          setSession(s);
        }}
      />
    );
  if (session.must_change_password || changingPassword)
    return (
      <PasswordView
        forced={session.must_change_password}
        onChanged={(s) => {
          setChangingPassword(false);
          setSession(s);
        }}
        onCancel={() => (session.must_change_password ? setSession(null) : setChangingPassword(false))}
      />
    );
  if (session.permissions.includes('view_hits') && !session.patrol_purpose)
    return <PatrolPurposeView session={session} onSet={setSession} />;
  return (
    <Main
      session={session}
      sounder={sounder}
      onLogout={(why) => {
        setSession(null);
        setNotice(why);
      }}
      onChangePassword={() => setChangingPassword(true)}
    />
  );
}

type Tab = 'hits' | 'reads' | 'search' | 'health' | 'live' | 'units';

const TAB_LABELS: Record<Tab, string> = {
  hits: 'Hits',
  reads: 'Recent reads',
  search: 'Search',
  health: 'Health',
  live: 'Live view',
  units: 'Units',
};

function tabsFor(s: WebSession): Tab[] {
  const can = (a: WebSession['permissions'][number]) => s.permissions.includes(a);
  const tabs: Tab[] = [];
  if (can('view_hits')) tabs.push('hits');
  if (s.mode === 'dispatch') tabs.push('units');
  if (s.mode === 'unit' && can('search')) tabs.push('reads', 'search');
  tabs.push('health');
  if (s.mode === 'unit' && (can('search') || can('unit_configure'))) tabs.push('live');
  return tabs;
}

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'NO CONNECTION: reconnecting, hits are not arriving',
  closed: 'Stopped',
};

/**
 * The logged-in page. The hit stream lives here, not in the hits tab, so alerts keep arriving and
 * sounding whichever tab is open.
 */
function Main({
  session,
  sounder,
  onLogout,
  onChangePassword,
}: {
  session: WebSession;
  sounder: Sounder;
  onLogout(why: string | null): void;
  onChangePassword(): void;
}) {
  const tabs = useMemo(() => tabsFor(session), [session]);
  const [tab, setTab] = useState<Tab>(tabs[0] ?? 'health');
  const [feed, setFeed] = useState<HitFeed>(EMPTY_FEED);
  const [units, setUnits] = useState<WebUnit[]>([]);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [now, setNow] = useState(Date.now());
  const [muteEnds, setMuteEnds] = useState<number | null>(null);
  const gate = useRef(new SoundGate());
  const feedRef = useRef(feed);
  feedRef.current = feed;
  const watchesHits = session.permissions.includes('view_hits');
  const dispatch = session.mode === 'dispatch';

  useEffect(() => {
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      setMuteEnds(gate.current.muteEnds(n));
    }, 1000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    const take = (hits: WebHit[], sound: boolean) => {
      const { feed: next, fresh } = mergeHits(feedRef.current, hits);
      feedRef.current = next;
      setFeed(next);
      if (!sound) return;
      for (const h of fresh) if (gate.current.offer(h.alert_level, Date.now())) sounder.play(h.alert_level);
    };
    let first = true;
    const catchUp = () => {
      if (!watchesHits) return;
      const after = feedRef.current.cursor ?? undefined;
      const quiet = first;
      first = false;
      // The first load shows what is already there without sounding it; after a reconnect, the
      // missed hits sound like live ones.
      fetchHits(after ? { after } : { limit: 50 }).then(
        (r) => take(r.hits, !quiet),
        () => undefined,
      );
    };
    if (dispatch)
      fetchUnits().then(
        (r) => setUnits(r.units),
        () => undefined,
      );
    const events = openEvents({
      hit: (h) => take([h], true),
      hitUpdate: (h) => take([h], false),
      unit: (u) =>
        setUnits((list) => [...list.filter((x) => x.id !== u.id), u].sort((a, b) => a.name.localeCompare(b.name))),
      sessionEnd: (e) => onLogout(e.message),
      open: catchUp,
      state: setStream,
    });
    return () => events.close();
  }, [session.user.username]);

  const mute = (minutes: number) => {
    gate.current.mute(Date.now(), minutes);
    setMuteEnds(gate.current.muteEnds(Date.now()));
  };

  return (
    <div class="page">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="site">{session.site.name}</span>
        <span class={`stream stream-${stream}`} role="status">
          {STREAM_TEXT[stream]}
        </span>
        {muteEnds ? (
          <span class="muted-state">
            Muted until {formatTime(new Date(muteEnds).toISOString(), now)}; urgent alerts still sound{' '}
            <button
              type="button"
              onClick={() => {
                gate.current.unmute();
                setMuteEnds(null);
              }}
            >
              Unmute
            </button>
          </span>
        ) : (
          <span class="mute">
            Mute:
            {MUTE_MINUTES.map((m) => (
              <button
                key={m}
                type="button"
                class="secondary"
                aria-label={`Mute for ${m} minutes (urgent alerts still sound)`}
                onClick={() => mute(m)}
              >
                {m} min
              </button>
            ))}
          </span>
        )}
        {sounder.blocked && watchesHits ? (
          <button type="button" class="warn-button" onClick={() => sounder.unlock()}>
            Sound is off: enable
          </button>
        ) : null}
        <span class="user">
          {session.user.full_name || session.user.username}
          {session.patrol_purpose ? ` · ${session.patrol_purpose.case_number}` : ''}
        </span>
        <ThemeToggle />
        <button type="button" class="secondary" onClick={onChangePassword}>
          Password
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => void logout().finally(() => onLogout('You logged out.'))}
        >
          Log out
        </button>
      </header>
      <nav class="tabs" aria-label="Views">
        {tabs.map((t) => (
          <button key={t} type="button" aria-current={tab === t ? 'page' : undefined} onClick={() => setTab(t)}>
            {TAB_LABELS[t]}
            {t === 'hits' ? ` (${feed.hits.filter((h) => h.verification.status === 'unverified').length})` : ''}
          </button>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        {tab === 'hits' ? (
          <HitsView
            hits={feed.hits}
            now={now}
            showUnit={dispatch}
            canReview={session.permissions.includes('verify_hit')}
            onChanged={(h) => {
              const { feed: next } = mergeHits(feedRef.current, [h]);
              feedRef.current = next;
              setFeed(next);
            }}
          />
        ) : null}
        {tab === 'units' ? <UnitsView units={units} now={now} /> : null}
        {tab === 'reads' ? <RecentReadsView now={now} /> : null}
        {tab === 'search' ? <SearchView now={now} /> : null}
        {tab === 'health' ? <HealthView now={now} units={dispatch ? units : null} /> : null}
        {tab === 'live' ? <LiveView /> : null}
      </main>
    </div>
  );
}

function HitsView(props: {
  hits: WebHit[];
  now: number;
  showUnit: boolean;
  canReview: boolean;
  onChanged(h: WebHit): void;
}) {
  return (
    <section aria-labelledby="hits-title">
      <h2 id="hits-title" class="visually-hidden">
        Hits
      </h2>
      {props.hits.length === 0 ? <p class="muted">No hits yet. New hits appear here and sound.</p> : null}
      <div class="hits" aria-live="polite">
        {props.hits.map((h) => (
          <HitCard
            key={h.id}
            hit={h}
            now={props.now}
            showUnit={props.showUnit}
            canReview={props.canReview}
            onChanged={props.onChanged}
          />
        ))}
      </div>
    </section>
  );
}

const THEME_KEY = 'alpr-theme';

/** Night (dark, the default) or day colours, remembered on this computer. */
function ThemeToggle() {
  const [day, setDay] = useState(() => localStorage.getItem(THEME_KEY) === 'day');
  useEffect(() => {
    document.documentElement.classList.toggle('theme-day', day);
    localStorage.setItem(THEME_KEY, day ? 'day' : 'night');
  }, [day]);
  return (
    <button
      type="button"
      class="secondary"
      aria-pressed={day}
      aria-label="Day colours (off: night colours)"
      onClick={() => setDay(!day)}
    >
      Day
    </button>
  );
}
