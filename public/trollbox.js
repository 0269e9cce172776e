// The demo dapp: a trollbox on Ghost Threads' 3IP-9 API, through connect() from the SDK
// (ghost-threads/web): the extension when it is installed, else the host in this page.
// ?space=…&room=… pick the room; the defaults put every visitor in one room. ?relay=…
// (repeatable) names the relays the in-page host uses. "New private room" makes a room
// only its link opens: the invite rides in the link's #invite=…, which browsers never
// send to a server, and a visitor who opens the link joins that room.
import { connect } from './lib/ghost-threads-web.js'

const params = new URLSearchParams(location.search)
const SPACE = params.get('space') ?? 'ghost-threads-demo'
/** The private room this link opens, if it is one (#invite=…). */
const linkedInvite = new URLSearchParams(location.hash.slice(1)).get('invite') ?? undefined
const ROOM = linkedInvite ? 'private' : (params.get('room') ?? 'trollbox')

const $ = (id) => document.getElementById(id)
const short = (did) => `${did.slice(8, 14)}…${did.slice(-4)}`
const shortAccount = (address) => `${address.slice(0, 6)}…${address.slice(-4)}`
/** A member by wallet account when their link counts on this site, else by DID. */
const nameOf = (did, address) => (address ? shortAccount(address) : short(did))
let space
let thread
let myDid
/** What the visitor reads when the room ends without them leaving here (its `closed` reason). */
const ENDED_BECAUSE = {
  'left-in-popup': 'You left this room in Ghost Threads. Join again to keep chatting.',
  revoked: "This site's access to Ghost Threads was removed. Join again to ask for it.",
  'identity-changed': 'Your Ghost Threads identity changed. Join again to chat as the new one.',
  'host-restarted': 'Ghost Threads restarted and could not rejoin this room. Join again.',
  removed: 'The person who made this private room gave it a new link and did not send it to you.',
  closed: 'You left the room.',
}
/** The account each listed member showed with, to notice a link made since. */
const listed = new Map()

function line(text, className, author, address) {
  const item = document.createElement('li')
  if (className) item.className = className
  if (author) {
    const who = document.createElement('span')
    who.className = 'author'
    who.textContent = author === myDid ? 'me' : nameOf(author, address)
    who.title = address ? `${author} (${address})` : author
    item.append(who)
  }
  // textContent, never innerHTML: messages are other people's input.
  item.append(document.createTextNode(text))
  $('messages').append(item)
  item.scrollIntoView({ block: 'end' })
}

function showPost(post) {
  const text = typeof post.message === 'string' ? post.message : JSON.stringify(post.message)
  line(post.to ? `(direct) ${text}` : text, post.to ? 'dm' : '', post.author, post.address)
  // A member who linked a wallet since the list was drawn: name them by it there too.
  if (listed.has(post.author) && listed.get(post.author) !== post.address) void refreshMembers()
}

async function refreshMembers() {
  const members = await thread.listMembersWithAddresses()
  listed.clear()
  for (const { did, address } of members) listed.set(did, address)
  $('members').replaceChildren(
    ...members.map(({ did, address }) => {
      const item = document.createElement('li')
      item.textContent = did === myDid ? `${nameOf(did, address)} (me)` : nameOf(did, address)
      item.title = address ? `${did} (${address})` : did
      return item
    }),
  )
  const chosen = $('to').value
  const others = members.filter(({ did }) => did !== myDid)
  $('to').replaceChildren(
    new Option('everyone', ''),
    ...others.map(({ did, address }) => new Option(nameOf(did, address), did)),
  )
  if (others.some(({ did }) => did === chosen)) $('to').value = chosen
}

/** Links this space's identity to the visitor's wallet (window.ethereum), if they want. */
async function linkWallet() {
  $('link').disabled = true
  $('status').textContent = 'Asking your wallet…'
  try {
    const address = await space.linkWallet()
    $('status').textContent = whereWords(address)
    await refreshMembers()
  } catch (err) {
    $('status').textContent = `${err.name} (${err.code}): ${err.message}`
    $('link').disabled = false
  }
}

/** Where the room is, in words: a private room says who can read it. */
function whereWords(address) {
  const who = address ? shortAccount(address) : short(myDid)
  return thread.invite
    ? `In a private room 🔒 as ${who}: only people with this page's link can read it`
    : `In ${SPACE} / ${ROOM} as ${who}`
}

/** The page's link carries the private room's invite (after #, never sent to a server). */
function showInvite(invite) {
  history.replaceState(null, '', `#invite=${invite}`)
  $('invite').hidden = false
  $('invite-link').value = location.href
}

async function join(makePrivate = false) {
  $('join').disabled = true
  $('private').disabled = true
  $('status').textContent = 'Asking for permission…'
  try {
    space = await provider.openSpace(SPACE)
    myDid = space.did
    const options = { ghostBacklogLimit: 50 }
    thread = makePrivate
      ? (await space.createPrivateThread('private', options)).thread
      : await space.joinThread(ROOM, {
          ghost: true,
          ...options,
          ...(linkedInvite ? { invite: linkedInvite } : {}),
        })
    if (thread.invite) showInvite(thread.invite)
    thread.on('moved', (invite) => {
      showInvite(invite)
      line('The room moved to a new link (the one above); the old one reads nothing new.', 'system')
    })
    thread.on('message', showPost)
    thread.on('backlog-received', ({ message }) => {
      line(`${message.length} earlier messages`, 'system')
      for (const post of message) showPost(post)
    })
    thread.on('user-joined', (did, address) => {
      line(`${nameOf(did, address)} joined`, 'system')
      void refreshMembers()
    })
    thread.on('user-left', (did) => {
      line(`${short(did)} left`, 'system')
      void refreshMembers()
    })
    thread.on('closed', ended)
    for (const post of await thread.getPosts()) showPost(post)
    await refreshMembers()
    $('status').textContent = whereWords()
    $('join').hidden = true
    $('private').hidden = true
    $('text').disabled = false
    $('send').disabled = false
    // Linking needs a wallet in the page (EIP-1193).
    $('link').hidden = !window.ethereum
    $('link').disabled = !window.ethereum
    $('text').focus()
  } catch (err) {
    $('status').textContent = `${err.name} (${err.code}): ${err.message}`
    $('join').disabled = false
    $('private').disabled = false
  }
}

/** The room ended (the popup's Leave, a revoked site, a new identity): say so, offer Join. */
function ended(reason) {
  thread = undefined
  const because = ENDED_BECAUSE[reason] ?? ENDED_BECAUSE.closed
  $('status').textContent = because
  line(because, 'system')
  $('members').replaceChildren()
  $('text').disabled = true
  $('send').disabled = true
  $('link').hidden = true
  $('join').hidden = false
  $('join').disabled = false
  $('private').hidden = false
  $('private').disabled = false
}

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault()
  const text = $('text').value.trim()
  if (!text || !thread) return
  try {
    await thread.post(text, $('to').value || undefined)
    $('text').value = ''
  } catch (err) {
    line(`not sent: ${err.message}`, 'system')
  }
})
$('join').addEventListener('click', () => join())
$('private').addEventListener('click', () => join(true))
$('copy-invite').addEventListener('click', async () => {
  await navigator.clipboard.writeText($('invite-link').value)
  $('copy-invite').textContent = 'Copied'
})
$('link').addEventListener('click', linkWallet)

let provider
try {
  const relays = params.getAll('relay')
  const connection = await connect(relays.length > 0 ? { relays } : {})
  provider = connection.provider
  // For tests and curious developers: which host this page got.
  window.trollbox = { connection }
  $('status').textContent =
    connection.kind === 'extension'
      ? `Ghost Threads is here. ${linkedInvite ? 'This link opens a private room: join it to chat.' : 'Join the room to chat.'}`
      : `No extension: Ghost Threads runs in this page${connection.webrtc ? '' : ' (relays only)'}. Your identity for this site is kept in its storage, where its scripts can read it. Join the room to chat.`
  if (params.has('autojoin')) void join()
} catch (err) {
  $('status').textContent = `${err.name} (${err.code}): ${err.message}`
  $('join').disabled = true
}
