export declare const CHROME_KEY: string
export declare const CHROME_EXTENSION_ID: string
export declare const FIREFOX_EXTENSION_ID: string
export declare function chromeManifest(pkg: {
  version: string
  description: string
}): Record<string, unknown>
export declare function firefoxManifest(pkg: {
  version: string
  description: string
}): Record<string, unknown>
export declare const ICONS: Record<string, string>
