// The demo dapp: a trollbox on Ghost Threads' 3IP-9 API, through connect() from the SDK
// (ghost-threads/web): the extension when it is installed, else the host in this page.
// ?space=…&room=… pick the room; the defaults put every visitor in one room. ?relay=…
// (repeatable) names the relays the in-page host uses.
import { connect } from './lib/ghost-threads-web.js'

const params = new URLSearchParams(location.search)
const SPACE = params.get('space') ?? 'ghost-threads-demo'
const ROOM = params.get('room') ?? 'trollbox'

const $ = (id) => document.getElementById(id)
const short = (did) => `${did.slice(8, 14)}…${did.slice(-4)}`
let thread
let myDid

function line(text, className, author) {
  const item = document.createElement('li')
  if (className) item.className = className
  if (author) {
    const who = document.createElement('span')
    who.className = 'author'
    who.textContent = author === myDid ? 'me' : short(author)
    who.title = author
    item.append(who)
  }
  // textContent, never innerHTML: messages are other people's input.
  item.append(document.createTextNode(text))
  $('messages').append(item)
  item.scrollIntoView({ block: 'end' })
}

function showPost(post) {
  const text = typeof post.message === 'string' ? post.message : JSON.stringify(post.message)
  line(post.to ? `(direct) ${text}` : text, post.to ? 'dm' : '', post.author)
}

async function refreshMembers() {
  const members = await thread.listMembers()
  $('members').replaceChildren(
    ...members.map((did) => {
      const item = document.createElement('li')
      item.textContent = did === myDid ? `${short(did)} (me)` : short(did)
      item.title = did
      return item
    }),
  )
  const chosen = $('to').value
  $('to').replaceChildren(
    new Option('everyone', ''),
    ...members.filter((did) => did !== myDid).map((did) => new Option(short(did), did)),
  )
  if (members.includes(chosen)) $('to').value = chosen
}

async function join() {
  $('join').disabled = true
  $('status').textContent = 'Asking for permission…'
  try {
    const space = await provider.openSpace(SPACE)
    myDid = space.did
    thread = await space.joinThread(ROOM, { ghost: true, ghostBacklogLimit: 50 })
    thread.on('message', showPost)
    thread.on('backlog-received', ({ message }) => {
      line(`${message.length} earlier messages`, 'system')
      for (const post of message) showPost(post)
    })
    thread.on('user-joined', (did) => {
      line(`${short(did)} joined`, 'system')
      void refreshMembers()
    })
    thread.on('user-left', (did) => {
      line(`${short(did)} left`, 'system')
      void refreshMembers()
    })
    for (const post of await thread.getPosts()) showPost(post)
    await refreshMembers()
    $('status').textContent = `In ${SPACE} / ${ROOM} as ${short(myDid)}`
    $('text').disabled = false
    $('send').disabled = false
    $('text').focus()
  } catch (err) {
    $('status').textContent = `${err.name} (${err.code}): ${err.message}`
    $('join').disabled = false
  }
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
$('join').addEventListener('click', join)

let provider
try {
  const relays = params.getAll('relay')
  const connection = await connect(relays.length > 0 ? { relays } : {})
  provider = connection.provider
  // For tests and curious developers: which host this page got.
  window.trollbox = { connection }
  $('status').textContent =
    connection.kind === 'extension'
      ? 'Ghost Threads is here. Join the room to chat.'
      : `No extension: Ghost Threads runs in this page${connection.webrtc ? '' : ' (relays only)'}. Your identity for this site is kept in its storage, where its scripts can read it. Join the room to chat.`
  if (params.has('autojoin')) void join()
} catch (err) {
  $('status').textContent = `${err.name} (${err.code}): ${err.message}`
  $('join').disabled = true
}
