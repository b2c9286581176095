// The packaging configuration: valid for electron-builder (its own schema validator), and it
// keeps the promises made in the README — fuses flipped, only the built app shipped, the deep-link
// scheme registered, an installer per OS. Packaging itself needs the Electron binary and the
// network, so it is not run here.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/web/server/index'

interface BuilderConfig {
  appId?: string
  productName?: string
  /** As loaded: a list of { filter } groups. */
  files?: { filter: string[] }[]
  asar?: boolean
  protocols?: { schemes: string[] }[]
  mac?: { target?: string[]; hardenedRuntime?: boolean }
  win?: { target?: string[] }
  linux?: { target?: string[] }
  electronFuses?: Record<string, boolean>
}

const require = createRequire(join(PROJECT_ROOT, 'package.json'))
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<BuilderConfig>
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }

describe('electron-builder.yml', async () => {
  const config = await getConfig(PROJECT_ROOT, join(PROJECT_ROOT, 'electron-builder.yml'), null)

  it('passes electron-builder’s own validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('flips the fuses that keep the packaged app from being repurposed', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('ships only the built app, in an asar, with installers for each OS and the deep-link scheme', () => {
    expect(config.asar).toBe(true)
    const patterns = config.files?.flatMap((f) => f.filter) ?? []
    expect(patterns.filter((f) => f !== 'package.json')).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**'])
    expect(config.protocols?.flatMap((p) => p.schemes)).toEqual(['opsconsole'])
    expect(config.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true })
    expect(config.win?.target).toEqual(['nsis'])
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.productName).toBe('Operator Console')
  })
})
