/** What the platforms' phone buttons put in encryptedData, before sealing. */
/** getPhoneNumber data shaped as WeChat's (QQ, Kuaishou): the country prefix appears in phoneNumber for foreign numbers only. */
export function wechatShapedPhoneData(phone: { purePhoneNumber: string; countryCode: string }): object {
  const phoneNumber = phone.countryCode === '86' ? phone.purePhoneNumber : `+${phone.countryCode}${phone.purePhoneNumber}`;
  return { phoneNumber, ...phone };
}
