/** The prompt window's page: mounts the prompt (PromptWindow.tsx). */
import { render } from 'preact'
import { PromptWindow } from './PromptWindow.js'

const root = document.getElementById('root')
if (root !== null) render(<PromptWindow search={location.search} />, root)
