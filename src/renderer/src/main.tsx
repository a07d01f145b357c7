import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// Global styles first, so each component's own stylesheet comes later and wins ties.
import './styles/tokens.css'
import './styles/base.css'
import { App } from './app/app'
import { getBridge } from './app/bridge'
import { bindSessionEvents, useSession } from './app/session-store'
import { applyTheme, useTheme } from './app/theme-store'

applyTheme(useTheme.getState().theme)

// The web host has already traded ?token for a cookie; keep the secret out of history and screenshots.
const url = new URL(location.href)
if (url.searchParams.has('token')) {
  url.searchParams.delete('token')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}

getBridge()
bindSessionEvents()
void useSession.getState().start()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>
)
