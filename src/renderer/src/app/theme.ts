// Light or dark: the setting when it names one, else the system's preference, followed live.
import { useEffect } from 'react'
import { useSettings } from '../state/settings-store'

export function useTheme(): void {
  const theme = useSettings((s) => s.settings?.theme ?? 'system')
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)')
    const apply = () => {
      const resolved = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme
      document.documentElement.dataset['theme'] = resolved
    }
    apply()
    media.addEventListener('change', apply)
    return () => media.removeEventListener('change', apply)
  }, [theme])
}
