// The citizen flow of dvcqa's BenchmarkBrowserFlow (bench/browser_test.go),
// step for step, written as a Playwright user would: home, SSO login page,
// search, service page, form fill, attachments, review, submit, pay, wait
// for the result, open it, download it. Every value comes from the flow
// data the bench generates from Go (DVCQA_FLOWS): the portal, the
// selectors profile, the test citizens and the catalog's form values.
import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';

const data = JSON.parse(fs.readFileSync(process.env.DVCQA_FLOWS as string, 'utf8'));
const P = data.pages;
const portal: string = data.portal.replace(/\/$/, '');
const fill = (s: string, k: string, v: string) => s.split('{' + k + '}').join(v);

// clickTo clicks and waits for the next page's load event, then for an
// element of that page: what dvcqa's Portal.clickTo does.
async function clickTo(page: Page, sel: string, want: string) {
  await Promise.all([page.waitForEvent('load'), page.click(sel)]);
  await page.locator(want).first().waitFor();
}

async function flow(page: Page, f: any) {
  await page.goto(portal + P.Home.Path);
  await page.locator(P.Home.SearchInput).waitFor();

  await clickTo(page, P.Home.LoginLink, P.SSOLogin.Username);
  await page.fill(P.SSOLogin.Username, f.username);
  await page.fill(P.SSOLogin.Password, f.password);
  await clickTo(page, P.SSOLogin.Submit, P.Home.UserName);
  expect(page.url().startsWith(portal)).toBeTruthy();

  await page.fill(P.Home.SearchInput, f.name_vi);
  await clickTo(page, P.Home.SearchSubmit, P.Home.SearchInput);
  await clickTo(page, fill(P.Home.ServiceLink, 'id', f.id), P.Service.Title);
  await clickTo(page, P.Service.SubmitOnline, P.Form.Form);

  for (const fd of f.fields) {
    const sel = fill(P.Form.Field, 'name', fd.name);
    if (fd.type === 'select') await page.selectOption(sel, fd.value);
    else await page.fill(sel, fd.value);
  }
  for (const a of f.attachments) {
    await page.setInputFiles(fill(P.Form.Attachment, 'type', a.type),
      { name: a.filename, mimeType: a.mime, buffer: Buffer.from(a.base64, 'base64') });
  }
  // As dvcqa does: the portal's validation answers, not the browser's.
  await page.$eval(P.Form.Form, (el: any) => { el.noValidate = true; });
  await clickTo(page, P.Form.Review, P.Review.Section);
  await clickTo(page, P.Review.Submit, P.Dossier.Code);

  if (f.fee) {
    await clickTo(page, P.Dossier.Pay, P.Payment.Confirm);
    await clickTo(page, P.Payment.Confirm, P.PaymentReturn.BackToDossier);
    await expect(page.locator('body')).toContainText(data.texts.payment_success);
    await clickTo(page, P.PaymentReturn.BackToDossier, P.Dossier.Code);
  }

  const deadline = Date.now() + data.result_timeout_ms;
  while ((await page.getAttribute(P.Dossier.Status, P.Dossier.StatusAttr)) !== 'delivered') {
    expect(Date.now() < deadline, 'dossier delivered in time').toBeTruthy();
    // While a dossier is not final its page refreshes itself (meta refresh,
    // 2 s): a reload that collides with it is aborted, and the page's own
    // refresh is the reload then.
    await page.reload().catch(async (e) => {
      if (!String(e).includes('ERR_ABORTED')) throw e;
      await page.waitForLoadState('load');
    });
  }

  await clickTo(page, P.Dossier.ResultLink, P.Result.DocumentNo);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(P.Result.SignedFile)]);
  const pdf = fs.readFileSync(await download.path());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
}

// The first flow warms the fresh browser's caches (as dvcqa's untimed
// warm-up does); the bench leaves it out of every figure.
test('warm-up', async ({ page }) => { await flow(page, data.flows[0]); });

for (const f of data.flows) {
  test(f.id, async ({ page }) => { await flow(page, f); });
}
