/**
 * Limits and defaults of the ghost-thread protocol (wire v2, see DESIGN.md and INTERNALS.md).
 * Every number a peer enforces on others lives here, so that all peers agree on them.
 */

/**
 * The wire version. v2 changed presence (paced by room size, no room-wide answer to every
 * join) and how members are reached (relays named in signed claims, no discovery topic);
 * a v1 peer in the same topic would flood v2 rooms, so the version is in the topic and in
 * the stream protocol ids.
 */
export const WIRE_VERSION = 2

/**
 * 3IP-9 "Room Discovery" names the topic `3box.chat.<space>.<room>`; v2 rooms live at
 * `3box.chat.v2.<space>.<room>` (names cannot hold a dot, so the two never collide).
 */
export const TOPIC_PREFIX = `3box.chat.v${WIRE_VERSION}`

/** Space and room names: 1–64 characters of `[A-Za-z0-9_-]` (DESIGN.md, wire protocol). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** A whole JWT on the wire, in bytes. Larger payloads are rejected before decoding. */
export const MAX_JWT_BYTES = 16 * 1024
/**
 * Arrays and objects one message may nest: a dapp's JSON needs a handful; a hostile one
 * nested 2,500 deep to overflow schema checks (json-depth.ts).
 */
export const MAX_JSON_DEPTH = 32

/**
 * A chat `message` serialised as JSON, in UTF-8 bytes. base64url grows it by 4/3, so a
 * maximal message still fits in MAX_JWT_BYTES with its header, claims and signature.
 */
export const MAX_MESSAGE_BYTES = 8 * 1024

/**
 * How far ahead of our clock an `iat` may be: clocks of home computers drift, but most
 * keep within seconds (NTP). Was 30 s; a post dated ahead had that long to outrank
 * honest ones (issue 12), which the backlog now also prevents by placing it on arrival.
 */
export const MAX_CLOCK_SKEW_S = 10

/**
 * The longest a live message may travel. Gossipsub delivers within milliseconds to a few
 * seconds; anything older is a replay or a stuck queue, and the duplicate cache only has
 * to remember `jti`s for this long.
 */
export const LIVE_MAX_AGE_S = 120
/** How long a seen `iss|jti` is remembered, by its `iat`: any live copy is refused after. */
export const REPLAY_WINDOW_S = LIVE_MAX_AGE_S + MAX_CLOCK_SKEW_S

/** A backlog request is answered at once; an old one is a replay. */
export const BACKLOG_REQUEST_MAX_AGE_S = 60

/** 3IP-9 "request a 12 hour backlog": chat posts older than this are never served or kept. */
export const BACKLOG_MAX_AGE_S = 12 * 60 * 60

/** 3IP-9: "by default we set it at 50 messages". */
export const DEFAULT_BACKLOG_LIMIT = 50

/** The most a dapp may ask to keep; bounds memory and the size of a backlog answer. */
export const MAX_BACKLOG_LIMIT = 500

/**
 * Posts a relay keeps of each room for newcomers (relayed-posts.ts): the default backlog.
 * A newcomer that wants more than a complete relay answer holds also asks a member.
 */
export const RELAY_BACKLOG_POSTS = DEFAULT_BACKLOG_LIMIT

/** Members announce themselves at least this often in small rooms... */
export const PRESENCE_INTERVAL_MS = 20_000

/**
 * ...and expire after missing three heartbeats (a crash or a lost network sends no leave).
 * A presence says how long it is valid (`ttl`): the interval times this ratio.
 */
export const MEMBER_EXPIRY_MS = 65_000

/**
 * Heartbeats of a whole room, per second. Each member stretches its interval with the size
 * of the room so that the room's presence traffic stays near this figure: v1's fixed 20 s
 * made 1,000 members send 50 presences a second, each forwarded to everyone. A relay
 * spends ~0.4 ms of CPU per message it forwards to one peer (bench:scale), so one
 * presence a second in a 300-member room is ~10% of its core.
 */
export const ROOM_PRESENCE_PER_SECOND = 1

/**
 * The longest interval between heartbeats, whatever the room's size (300 members at 1/s).
 * A member that vanishes without a `leave` (a crash, a lost network) is listed until its
 * last presence runs out: up to ~16 minutes in the largest rooms, 65 s in small ones.
 */
export const MAX_PRESENCE_INTERVAL_MS = 300_000

/** The longest `ttl` a presence may claim (the longest interval × 3.25). */
export const MAX_PRESENCE_TTL_S = 1_000

/**
 * A `join` is answered with a room-wide `presence` only while the room is this small, so
 * that two peers meeting in a new room learn of each other at once. v1 answered every join
 * from every member: N joins made N² presences, each forwarded to N peers. Larger rooms'
 * newcomers learn the members from their relay's answer and the backlog answers.
 */
export const PRESENCE_REPLY_MAX_MEMBERS = 8

/** Spreads those few answers out. */
export const PRESENCE_REPLY_JITTER_MS = 250

/** Relays a member may name as its routes in one claim. */
export const MAX_CLAIMED_RELAYS = 4

/**
 * How many peers a newcomer asks for the backlog. 3box asked everybody and got N copies;
 * a few peers are enough to survive one that lies, is slow or has just joined itself.
 */
export const BACKLOG_PEERS_ASKED = 3

/** After the first member is seen, wait this long for a few more before asking. */
export const BACKLOG_GATHER_MS = 150

/** A backlog or direct-message request not answered by then counts as failed. */
export const REQUEST_TIMEOUT_MS = 5_000

/** Members one thread (or a relay, per room) keeps; more are not listed until some leave. */
export const MAX_ROOM_MEMBERS = 5_000
/**
 * Peers one DID may be listed on in a room: one node per space per device, so a person
 * with a phone, a laptop and a few browsers. Past it the peer heard from longest ago goes
 * (one DID claiming a fresh peer in every presence grew a relay's roster without bound).
 */
export const MAX_PEERS_PER_DID = 8
/**
 * A `join` or `presence` JWT, in bytes: ours with a wallet link are ~1.5 KiB, and the
 * largest the schema lets through honestly (a 2,048-character link with a newline every
 * other character, four relays, the longest topic, base64url's 4/3) is 5.1 KiB. Padded to
 * the 16 KiB of MAX_JWT_BYTES, presences took a relay from 189 to 719 MiB in 56 s
 * (issue 22).
 */
export const MAX_MEMBER_CLAIM_BYTES = 8 * 1024
/**
 * New members a thread lists from live claims, per room: a 1,000-member room filling
 * within 10 s fits. 14,000 joins from throw-away DIDs in 22 s were 14,000 `user-joined`
 * events for every page in the room (issue 12); now at most 1,600. A newcomer past it is
 * listed at its next presence.
 */
export const NEWCOMER_RATE = { burst: 500, perSecond: 50 }

/** A backlog answer: at most the largest backlog plus one presence per member. */
export const MAX_BACKLOG_ENTRIES = MAX_BACKLOG_LIMIT + MAX_ROOM_MEMBERS
/**
 * Backlog answers one requester (a peer id, and a DID) gets: a newcomer asks about three
 * times in its first 10 s. Without a cap a 0.3 KB request from a throw-away DID drew a
 * 3.5 MiB answer, as often as it liked (issue 12).
 */
export const BACKLOG_ANSWER_RATE = { burst: 6, perSecond: 0.2 }
/** The same over all rooms, per peer id: what a peer may draw from one relay or member. */
export const BACKLOG_ANSWER_RATE_ALL_ROOMS = { burst: 60, perSecond: 2 }
/**
 * Crowd rooms (issue 26). In a public room its one relay holds at this many members, the
 * relay stops forwarding members' `join`, `presence` and `leave` to everyone and tells
 * the room who came and went in one digest every ROSTER_DIGEST_MS instead. Forwarded one
 * by one, each join cost the relay ~35 µs for every member already there (bench:relay):
 * 1,000 arrivals were ~17 CPU-seconds of fan-out alone, and an idle 1,000-member room
 * sent every member every heartbeat of the room.
 */
export const CROWD_ROOM_MEMBERS = 200
/** A crowd room ends below this many (not at the same count, or a room at it would flap). */
export const CROWD_ROOM_END_MEMBERS = 150
/**
 * Members a relay lists in its answers in a crowd room, the newest first, with the room's
 * count: a page shows a few faces and a number. At 1,000 members the whole list was
 * 450 KiB per newcomer (three answers).
 */
export const CROWD_LISTED_MEMBERS = 100
/** Members in one page of a crowd room's whole list, when a member asks for it (listMembers). */
export const CROWD_PAGE_MEMBERS = 2_500
/** How often a relay tells a crowd room who came and who went. */
export const ROSTER_DIGEST_MS = 2_000
/**
 * A crowd room hears a digest at least this often, changes or not: a member that missed
 * the one saying the room became a crowd would otherwise expire every member it knows
 * (their presences no longer reach it) after the shortest ttl, 65 s.
 */
export const ROSTER_REMINDER_MS = 30_000
/**
 * A member that has heard nothing of its relay's crowd for this long (two reminders and
 * then some) takes the room as no crowd: its relay may have vanished mid-crowd.
 */
export const CROWD_SILENCE_MS = 2 * ROSTER_REMINDER_MS + 5_000
/**
 * A digest's largest size: 50 joins with wallet links, ~100 without. More changes in one
 * tick go out as several digests.
 */
export const MAX_DIGEST_BYTES = 96 * 1024
/** DIDs a digest names as gone. */
export const MAX_DIGEST_GONE = 1_000
/** Room for a digest's own keys and count around its lists... */
export const DIGEST_ENVELOPE_BYTES = 256
/** ...and each JWT or DID's quotes and comma. */
export const DIGEST_ITEM_OVERHEAD = 3
/** Pages a member asks for in one listing at most: MAX_ROOM_MEMBERS is two of 2,500. */
export const CROWD_MAX_PAGES = 8
/** A member lists a crowd's whole list again at most this often (digests keep it current). */
export const CROWD_RELIST_MS = 10_000
/**
 * A relay retells a crowd room's members to a relay new to it at most this often: anyone
 * can say it is a relay, and each retelling makes every relay check every claim again.
 */
export const CROWD_RETELL_MS = 60_000

/** A presence is ~0.6 KB; an answer past this drops its oldest posts to fit. */
export const MAX_BACKLOG_RESPONSE_BYTES = 4 * 1024 * 1024

/**
 * Rate limits (token buckets). Per DID, checked after the signature so nobody can spend
 * another author's budget; per forwarding peer, checked before the signature so a flood
 * costs us no crypto. A relay holds each of its clients to the peer limit and what a
 * relay forwards is not limited per peer again: at 2,500/s per peer, where a browser's
 * relay connection was one peer, 5,000 valid messages from 110 fresh DIDs through the
 * relay made a browser refuse the next honest one (issue 12). An honest peer sends its
 * own messages plus what it passes on first in its rooms, far below this.
 */
export const DID_RATE_LIMIT = { burst: 50, perSecond: 20 }
export const PEER_RATE_LIMIT = { burst: 500, perSecond: 100 }
/**
 * Wallet links not checked before, which a receiver verifies (~2.3 ms each: signature
 * recovery and EIP-4361 parsing; cached after, 0.002 ms). An honest DID brings one link
 * and keeps it for days; an honest client a few (its spaces). Fresh links from throw-away
 * accounts (1.7 ms each to make) at 2 × 95/s held a relay at 39% of a core, and every
 * member paid the same (issue 22). Per peer: not for relays, which budgeted their clients.
 */
export const LINK_CHECK_RATE = {
  perDid: { burst: 4, perSecond: 1 / 60 },
  perPeer: { burst: 20, perSecond: 2 },
}
/**
 * What a member may post (chat and DMs, per DID): under DID_RATE_LIMIT, with room for its
 * own heartbeats, so that a post the sender reports as sent is not dropped by every
 * receiver. 10,000 posts from a page came out as 259 delivered, all reported sent.
 */
export const OWN_POST_RATE = {
  burst: DID_RATE_LIMIT.burst - 10,
  perSecond: DID_RATE_LIMIT.perSecond - 2,
}

/**
 * `iss|jti` pairs remembered at once (replay protection, seen-jtis.ts): each for as long
 * as a copy could still be accepted live (REPLAY_WINDOW_S), none forgotten early. ~2,300
 * messages a second sustained, more than a browser verifies beside its other work; ~30 MiB
 * at most (hashed pairs, 50–80 bytes each measured, plus the quarter kept for rooms under
 * their fair share; 100,000 string pairs took 19 MiB). Past it the flooded room's new
 * messages are refused and other rooms go on. 100,000 (~770/s) was cheap to fill (issue 22).
 */
export const SEEN_JTI_CAPACITY = 300_000
/** Share of the capacity that rooms under their fair share may still use once it is full. */
export const SEEN_JTI_RESERVE = 0.25
/** How often every room's replay window is swept of pairs out of the span (rooms not touched meanwhile). */
export const SEEN_JTI_SWEEP_S = 5
export const KEY_CACHE_CAPACITY = 10_000
/** JWTs whose signature verified lately, not verified again (receipt-rules.ts says why). */
export const VERIFIED_JWTS_KEPT = 2_000
export const RATE_LIMIT_KEYS = 10_000

/** Direct stream protocols (DESIGN.md). */
export const BACKLOG_PROTOCOL = `/ghost-threads/backlog/${WIRE_VERSION}.0.0`
export const DIRECT_PROTOCOL = `/ghost-threads/direct/${WIRE_VERSION}.0.0`

/** `jti`: at least 96 random bits; we send 128 bits as 22 base64url characters. */
export const JTI_BYTES = 16
export const MIN_JTI_LENGTH = 16
export const MAX_JTI_LENGTH = 64

/** How long a wallet link made in a browser holds (receivers refuse it after; issue 14). */
export const LINK_VALID_DAYS = 30

/**
 * Live signals (wire 2.1: `typing`, `react`, `seen`; issue 24). Each is a signed JWT on the
 * room's topic like a post, never kept in a post store, never on disk, and paced so that a
 * room's signal traffic does not grow with its size.
 *
 * A member repeats `typing` at most this often while its user types...
 */
export const TYPING_REPEAT_MS = 3_000
/** ...and others show it typing for this long after its newest signal (two repeats may be lost). */
export const TYPING_SHOWN_MS = 7_000
/**
 * A member stays silent while this many others are typing: everyone already reads "several
 * people are typing", so a crowd's typing costs the room about this many signals per repeat.
 */
export const TYPING_CROWD = 3
/**
 * `seen` marks of the whole room per second: each member waits `members / this` seconds
 * (at least SEEN_MIN_INTERVAL_MS) between marks, and sends one only when its newest post
 * changed. At ~450 bytes a mark a member receives ≤ ~450 B/s of them at any room size.
 */
export const ROOM_SEEN_PER_SECOND = 1
export const SEEN_MIN_INTERVAL_MS = 2_000
/**
 * What receivers take from one DID, per signal (checked after the signature): a little over
 * what an honest member sends (typing every 3 s, seen every 2 s at most, a burst of clicks).
 */
export const SIGNAL_RATE_LIMITS = {
  typing: { burst: 2, perSecond: 0.5 },
  seen: { burst: 2, perSecond: 0.5 },
  react: { burst: 20, perSecond: 2 },
} as const
/**
 * Reactions a thread keeps: the posts with any (the most recently reacted to stay), the
 * distinct emoji per post, the emoji one member may put on one post, and the reactors a
 * post's summary names per emoji (its count is exact).
 */
export const MAX_REACTED_POSTS = 500
export const MAX_EMOJI_PER_POST = 20
export const MAX_EMOJI_PER_MEMBER_POST = 5
export const REACTORS_NAMED = 20
/** A relay keeps at most this many reactions per room (~0.5 KB each): its posts' only. */
export const RELAY_REACTIONS_PER_ROOM = 2_000
/** A reaction is one emoji: at most this many UTF-8 bytes (a family with skin tones fits). */
export const MAX_EMOJI_BYTES = 32
/** The `members` event waits this long after a change, so a crowd's joins make one event. */
export const MEMBER_COUNT_BATCH_MS = 1_000

// missed-posts.ts
/** How often a thread looks at the clock, and how late a look means we were away. */
export const WAKE_CHECK_MS = 5_000
export const WAKE_LATE_MS = 15_000

// thread-catch-up.ts
/** Tries of each request a (re)join makes by itself, and the first wait between them. */
export const CATCH_UP_ATTEMPTS = 4
export const CATCH_UP_RETRY_MS = 500
/** A join's follow-up questions go at their time ± this share of it (thread-catch-up.ts says why). */
export const FOLLOW_UP_SPREAD = 0.25
/**
 * How long our join waits for the relays' member list (see beforeJoin). A relay busy with
 * a crowd joining answered 13 of 80 newcomers after 2 s: their joins went out believing
 * the room small, and each beat again within 20 s.
 */
export const MEMBERS_BEFORE_JOIN_MS = 5_000

// thread-surface.ts
/** Posts whose delivery deliveryOf() remembers: more than a user sends in a minute (OWN_POST_RATE). */
export const DELIVERIES_KEPT = 500

// identity.ts
/** A master seed: 256 random bits, from which HKDF derives each space's key. */
export const SEED_BYTES = 32

// thread-backlog.ts
/**
 * How long posts from before our join that came live are gathered into one update: one
 * gossip answer brings several, each checked on its own turn.
 */
export const EARLIER_BATCH_MS = 50

/**
 * Private rooms (issue 25): an invite's secret is 32 random bytes; each message travels
 * as an envelope padded to one of these plaintext sizes (bytes), so a relay learns a
 * bucket, not a length (Waku pads to 256 B; our posts reach 8 KiB of JSON in a 16 KiB
 * JWT). A JWT is sealed as its decoded parts (jwt-bytes.ts), three quarters of its text:
 * typing 302 B, a short post ~350, seen 385, react 395, join 438, presence 442 (one relay
 * claimed), so 512 holds every small message and a relay cannot tell them apart; a wallet
 * link's claims and longer posts take 1,024. (Sealed as text, the first bucket had to be
 * 768, and a 300-member room's relay carried 2.1 times the public room's bytes.)
 */
export const INVITE_SECRET_BYTES = 32
/** An invite: the secret, then the Ed25519 key of the room's creator (who alone may rotate it). */
export const INVITE_BYTES = INVITE_SECRET_BYTES + 32
export const ENVELOPE_BUCKETS = [512, 1_024, 4_096, 20_480] as const
/**
 * The envelope format's version (its first byte), and its parts: the XChaCha20 nonce
 * (random: 192 bits never repeat by chance), the Poly1305 tag, the room key's Ed25519
 * signature, the plaintext's length prefix.
 */
export const ENVELOPE_VERSION = 1
export const ENVELOPE_NONCE_BYTES = 24
export const ENVELOPE_TAG_BYTES = 16
export const ENVELOPE_SIGNATURE_BYTES = 64
export const ENVELOPE_LENGTH_BYTES = 4
/**
 * What is sealed (jwt-bytes.ts): its first byte says how — bytes as they are, or a JWT's
 * three parts decoded, the header's and payload's lengths each in two bytes.
 */
export const PACKED_AS_IS = 0
export const PACKED_JWT_PARTS = 1
export const MAX_PACKED_PART_BYTES = 0xffff
/**
 * Private rooms' topics: `3box.chat.v2-private.<room public key, multibase base58btc>`; no
 * space or room name. Not `3box.chat.v2.private.…`: that is a public room of a space named
 * "private".
 */
export const PRIVATE_TOPIC_PREFIX = `${TOPIC_PREFIX}-private`
/**
 * A private room's newcomer asks its relays for the envelopes they kept with a request
 * the room key signed for its own peer id (a relay cannot read a `request_backlog`).
 */
export const PRIVATE_BACKLOG_PROTOCOL = `/ghost-threads/private-backlog/${WIRE_VERSION}.0.0`
/** How old a private backlog request's signature may be (clocks differ; a minute is plenty). */
export const PRIVATE_REQUEST_MAX_AGE_S = 60
/**
 * A rotation's boxes per `rekey` message (~140 characters each, ~9 KiB of JWT for 50, well
 * within MAX_JWT_BYTES), and at most this many messages: 2,000 members kept.
 */
export const REKEY_BOXES_PER_MESSAGE = 50
export const MAX_REKEY_PARTS = 40
/**
 * How long a member waits for the rest of a rotation's parts: one that has not found its
 * box by then was not kept (or lost its part; it asks the creator for the new link).
 */
export const REKEY_PARTS_WAIT_MS = 30_000
/** The creator of a private room moves it to a new key this often (forward secrecy). */
export const PRIVATE_ROTATION_MS = 60 * 60_000
/**
 * A member that came to a private room this recently is not left out by a rotation that
 * holds no box for it: the creator may not have heard it yet, and boxes it the new key when
 * it does (room-forwarder.ts).
 */
export const REKEY_GRACE_MS = 10_000
/**
 * How long a private room's creator keeps answering in a room it moved away from (members
 * who were away, or who open an old link, are moved on by it), and how many such rooms it
 * keeps at once: a day of hourly rotations.
 */
export const FORWARDED_ROOM_MS = 24 * 60 * 60_000
export const MAX_FORWARDED_ROOMS = 24
/** The creator gathers the members it hears in an old room this long, then boxes them the key at once. */
export const FORWARD_GATHER_MS = 500
/** A member boxed the key is not boxed it again in this long (it moves on, or lost the box). */
export const FORWARD_REBOX_MS = 30_000
/** A private backlog request is a topic, two numbers and a signature: well under this. */
export const MAX_PRIVATE_REQUEST_BYTES = 1024
/**
 * What a relay keeps of a private room it cannot read (sealed-log.ts): every envelope of
 * the last MAX_PRESENCE_INTERVAL_MS (so each member's newest presence is among them, as
 * in a public room's roster), and at least the newest SEALED_LOG_MIN_ENTRIES (a quiet
 * room's last posts), within SEALED_LOG_ROOM_BYTES (below the 4 MiB of one answer).
 */
export const SEALED_LOG_MIN_ENTRIES = 200
/**
 * Envelopes of one client and size a relay keeps in the window: a presence is one size
 * with typing, seen marks and reactions (the first bucket), so the newest alone was often
 * a seen mark, and a 300-member room's newcomers missed most members (mean 245 listed).
 */
export const SEALED_LOG_PER_SLOT = 4
export const SEALED_LOG_ROOM_BYTES = 3 * 1024 * 1024
